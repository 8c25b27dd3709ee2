"""DPoP over real HTTP: the console alone, calling a local platform in another process (LAKESAIL_API_URL).

The proof's htu is then the API URL itself, and the platform (whose LAKESAIL_PUBLIC_BASE_URL, if set, would
name the console) checks it against the URL the request reached.
"""

import re
import sqlite3

import httpx

from tests.test_console_only import two_processes  # noqa: F401 - the fixture


def sign_in(browser: httpx.Client, console_url: str) -> None:
    page = browser.get("/sign-in")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed = browser.post(
        "/sign-in",
        data={"email": "owner@acme.test", "password": "demo-password-long-enough", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{console_url}/sign-in"},
    )
    assert signed.status_code == 302, signed.text[:500]


def test_over_http_the_login_is_bound_and_require_dpop_changes_nothing(two_processes, tmp_path):  # noqa: F811
    console_url, _ = two_processes
    platform_db = sqlite3.connect(tmp_path / "platform.sqlite3")
    with httpx.Client(base_url=console_url, follow_redirects=False, timeout=20) as browser:
        sign_in(browser, console_url)
        assert platform_db.execute("SELECT token_type FROM identity_login").fetchall() == [("DPoP",)]
        with platform_db:
            platform_db.execute("UPDATE identity_organization SET require_dpop = 1")
        members = browser.get("/members")
        assert members.status_code == 200 and "40 members" in members.text
    platform_db.close()
