"""The console deployed alone: LAKESAIL_EMBEDDED_PLATFORM=false, calling a local platform in another process.

Two real servers on loopback, each with its own database: the local platform (seeded with the demo
organization) and a console that neither installs nor mounts localplatform. The test signs in through
the console over HTTP and renders Members.
"""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def serve(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "console.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            if server.poll() is not None:
                raise AssertionError(f"server on {port} exited: {server.stderr.read() if server.stderr else ''}")
            time.sleep(0.1)
    server.kill()
    raise AssertionError(f"server on {port} did not start")


@pytest.fixture
def two_processes(tmp_path):
    base = {key: value for key, value in os.environ.items() if not key.startswith("LAKESAIL_")}
    base.update(
        DEBUG="false",
        SECRET_KEY="test-secret-key-that-is-long-enough-for-django-checks",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        LAKESAIL_TESTING="true",
        LAKESAIL_DEMO_PASSWORD="demo-password-long-enough",
    )
    platform_port, console_port = free_port(), free_port()
    platform_env = {**base, "DATABASE_URL": f"sqlite:///{tmp_path / 'platform.sqlite3'}"}
    console_env = {
        **base,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'console.sqlite3'}",
        "LAKESAIL_API_URL": f"http://127.0.0.1:{platform_port}/api/v1",
        "LAKESAIL_EMBEDDED_PLATFORM": "false",
    }
    for env, steps in ((platform_env, [["migrate"], ["seed_demo"]]), (console_env, [["migrate"], ["check"]])):
        for step in steps:
            done = manage(env, *step, "-v", "0") if step[0] == "migrate" else manage(env, *step)
            assert done.returncode == 0, done.stderr
    servers = [serve(platform_env, platform_port), serve(console_env, console_port)]
    try:
        yield f"http://127.0.0.1:{console_port}", console_env
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_console_alone_signs_in_and_renders_members(two_processes):
    console_url, _ = two_processes
    with httpx.Client(base_url=console_url, follow_redirects=False, timeout=20) as browser:
        page = browser.get("/sign-in")
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        signed = browser.post(
            "/sign-in",
            data={"email": "owner@acme.test", "password": "demo-password-long-enough", "csrfmiddlewaretoken": token},
            headers={"Referer": f"{console_url}/sign-in"},
        )
        assert signed.status_code == 302, signed.text[:500]
        members = browser.get("/members")
        assert members.status_code == 200
        assert "Olivia Bennett" in members.text and "40 members" in members.text
        # Nothing of the local platform is mounted here.
        assert browser.get("/api/v1/openapi.json").status_code == 404
        assert browser.get("/_local/outbox").status_code == 404


def test_console_alone_never_imports_the_local_platform(two_processes):
    _, console_env = two_processes
    probe = (
        "import sys, django; django.setup(); from django.conf import settings; import console.urls, console.wsgi;"
        "assert not any(m.startswith(('localplatform', 'allauth')) for m in sys.modules), "
        "[m for m in sys.modules if m.startswith('localplatform')];"
        "assert not any(a.startswith('localplatform') for a in settings.INSTALLED_APPS)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**console_env, "DJANGO_SETTINGS_MODULE": "console.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
