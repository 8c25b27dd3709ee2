"""Screenshots of the console in light and dark, for reviewing the look of every screen.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8010 [--unavailable-url URL] [--out var/screenshots]

Needs a running console with the demo data (`manage.py seed_demo`) and Debian's Chromium at
/usr/bin/chromium (never `playwright install`). Signs in as the demo owner and as a plain member,
and saves sign-in, dashboard (wide and narrow), user menu, sign-out toast and the not-found page (the console's own
404 page needs DEBUG off), each in the light and the dark theme.

--unavailable-url names a second server on the same host and database whose platform is down
(LAKESAIL_API_URL pointing at a closed port): session cookies are shared across ports, so its
dashboard shows the 503 page, and the dashboard's Refresh, routed there, the inline retry fragment.
"""

import argparse
import os
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OWNER = "owner@acme.test"
MEMBER = "aisha.bello@acme.test"
PASSWORD = os.environ.get("LAKESAIL_DEMO_PASSWORD", "acme-demo-password")


def new_page(browser: Browser, base: str, theme: str, width: int = 1440, height: int = 900) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme, base_url=base)
    # The theme cookie as the user menu sets it; "system" would follow color_scheme above.
    context.add_cookies([{"name": "theme", "value": theme, "url": base}])
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and print(f"  browser: {message.text}"))
    return page


def sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def forward_to(url: str):
    """A route handler answering with what `url` answers to the same request (cookies included)."""
    return lambda route: route.fulfill(response=route.fetch(url=url))


def shoot(page: Page, out: Path, name: str, full_page: bool = True) -> None:
    path = out / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    print(f"  {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="the running console, e.g. http://127.0.0.1:8010")
    parser.add_argument("--unavailable-url", help="the same console with its platform unreachable")
    parser.add_argument("--out", default="var/screenshots", type=Path)
    options = parser.parse_args()
    base = options.base_url.rstrip("/")
    options.out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for theme in ("light", "dark"):
            print(theme)
            page = new_page(browser, base, theme)
            page.goto("/sign-in")
            shoot(page, options.out, f"sign-in-{theme}")
            page.get_by_label("Email").fill(OWNER)
            page.get_by_label("Password").fill("not-the-password")
            page.get_by_role("button", name="Sign in").click()
            shoot(page, options.out, f"sign-in-error-{theme}")

            sign_in(page, OWNER)
            shoot(page, options.out, f"dashboard-owner-{theme}")
            page.get_by_label("Account menu", exact=False).click()
            shoot(page, options.out, f"user-menu-{theme}", full_page=False)
            page.keyboard.press("Escape")

            page.goto("/no-such-page")
            shoot(page, options.out, f"not-found-{theme}")
            if options.unavailable_url:
                down = options.unavailable_url.rstrip("/")
                page.goto("/")
                page.route(f"{base}/", forward_to(f"{down}/"))
                page.get_by_role("link", name="Refresh").click()
                page.get_by_role("alert").wait_for()
                shoot(page, options.out, f"unavailable-fragment-{theme}", full_page=False)
                page.unroute(f"{base}/")
                page.goto(f"{down}/")
                shoot(page, options.out, f"unavailable-{theme}")
            page.goto("/")
            page.get_by_label("Account menu", exact=False).click()
            page.get_by_role("button", name="Sign out").click()
            page.get_by_text("You have signed out.").wait_for()
            shoot(page, options.out, f"signed-out-toast-{theme}", full_page=False)
            page.context.close()

            page = new_page(browser, base, theme, width=390, height=844)
            sign_in(page, MEMBER)
            shoot(page, options.out, f"dashboard-member-narrow-{theme}")
            page.get_by_role("button", name="Open navigation").click()
            page.wait_for_timeout(400)
            shoot(page, options.out, f"navigation-narrow-{theme}", full_page=False)
            page.context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
