"""No token in any log line the project writes (issue 9, Must show 5).

The invitation and password-reset journeys run through the console views and the embedded platform with every
logger at DEBUG and the handlers settings.LOGGING configures (plus runserver's request line for each request);
gunicorn runs for real with gunicorn.conf.py. The tokens looked for are the real ones, taken from the mails.
"""

import copy
import io
import logging
import logging.config
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from django.conf import settings
from django.core.servers.basehttp import WSGIRequestHandler

from console.client.tokens import TOKENS_KEY
from console.logs import RedactTokens, redact
from localplatform.accounts.models import OutboxMessage
from tests.test_deploy import TEST_ONLY, settings_variables

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "Zx9_secret-Token-0123456789abcdefghijklmnop"  # the shape of an invitation token (43 characters)
NEW_PASSWORD = "a-brand-new-password"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /invitations/{TOKEN} HTTP/1.1" 200 512', '"GET /invitations/[redacted] HTTP/1.1" 200 512'),
        (f"platform POST /invitations/{TOKEN}/accept -> 201", "platform POST /invitations/[redacted]/accept -> 201"),
        (
            f'HTTP Request: GET https://platform.internal/api/v1/invitations/{TOKEN} "HTTP/1.1 404 Not Found"',
            'HTTP Request: GET https://platform.internal/api/v1/invitations/[redacted] "HTTP/1.1 404 Not Found"',
        ),
        ("platform DELETE /org/invitations/A1B2C3D4E5 -> 204", "platform DELETE /org/invitations/A1B2C3D4E5 -> 204"),
        ("GET /reset-password?token=4-cb7lf7-3e2f1a6a8d0f&x=1", "GET /reset-password?token=[redacted]&x=1"),
        ("GET /verify-email?key=abc123#top", "GET /verify-email?key=[redacted]#top"),
        ("GET /cb?code=xyz&state=s1", "GET /cb?code=[redacted]&state=[redacted]"),
        ("POST /o?access_token=a&refresh_token=b", "POST /o?access_token=[redacted]&refresh_token=[redacted]"),
        (f"GET /sign-in?next=%2Finvitations%2F{TOKEN}", "GET /sign-in?next=%2Finvitations%2F[redacted]"),
        (
            "GET /sign-in?next=%2Freset-password%3Ftoken%3Dabc%26a%3D1",
            "GET /sign-in?next=%2Freset-password%3Ftoken%3D[redacted]%26a%3D1",
        ),
        ("Authorization: Bearer eyJ.abc-def_1", "Authorization: Bearer [redacted]"),
        ('{"accessToken": "a\\"b", "email": "x@y.test"}', '{"accessToken": "[redacted]", "email": "x@y.test"}'),
        ("GET /org/members?page=2&filter[search]=ann", "GET /org/members?page=2&filter[search]=ann"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected


def test_the_filter_masks_the_message_its_arguments_and_the_traceback():
    try:
        raise ValueError(f"no invitation /invitations/{TOKEN}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "Not Found: %s", (f"/invitations/{TOKEN}",), None)
        record.exc_info = sys.exc_info()
    assert RedactTokens().filter(record) is True
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted
    assert "Not Found: /invitations/[redacted]" in formatted and "ValueError: no invitation" in formatted


def test_every_handler_masks_tokens_and_httpx_stays_quiet():
    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_tokens" in handler.get("filters", []), name
    assert settings.LOGGING["filters"]["redact_tokens"]["()"] == "console.logs.RedactTokens"
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING
    # Django's default handlers (unfiltered) are gone: its loggers write through ours only.
    for name in ("django", "django.request", "django.server"):
        for handler in logging.getLogger(name).handlers:
            if not type(handler).__module__.startswith("_pytest"):  # pytest's capture, not a log line
                assert any(isinstance(f, RedactTokens) for f in handler.filters), name


# --- the journeys ----------------------------------------------------------------------------------


class Keep(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def every_log_line() -> Iterator[tuple[io.StringIO, Keep]]:
    """settings.LOGGING's handlers writing to a buffer, every logger at DEBUG, and every record kept after them."""
    root, server = logging.getLogger(), logging.getLogger("django.server")
    saved_handlers = [(logger, logger.handlers[:]) for logger in (root, server)]  # pytest's capture among them
    saved_root_level = root.level
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved_levels = [(logger, logger.level) for logger in loggers]
    stream = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    for handler in config["handlers"].values():
        handler["stream"] = stream
    config["root"]["level"] = "DEBUG"
    for logger_config in config["loggers"].values():
        logger_config["level"] = "DEBUG"
    keep = Keep()
    try:
        logging.config.dictConfig(config)
        for logger, _ in saved_levels:
            logger.setLevel(logging.DEBUG)
        root.addHandler(keep)
        server.addHandler(keep)  # it does not propagate
        yield stream, keep
    finally:
        logging.config.dictConfig(settings.LOGGING)
        for logger, level in saved_levels:
            logger.setLevel(level)
        root.setLevel(saved_root_level)
        for logger, handlers in saved_handlers:
            logger.handlers = handlers


def served(response):
    """Log the request as runserver does (django.server), and return the response."""
    request = response.wsgi_request
    handler = SimpleNamespace(request=None, log_date_time_string=lambda: "04/Dec/2026 12:00:00")
    line = f"{request.method} {request.get_full_path()} HTTP/1.1"
    WSGIRequestHandler.log_message(handler, '"%s" %s %s', line, str(response.status_code), str(len(response.content)))
    return response


def mailed(to: str, pattern: str) -> str:
    for message in OutboxMessage.objects.order_by("-sent_at", "-id"):
        if to in message.to:
            found = re.search(pattern, message.text)
            assert found, message.text
            return found.group(1)
    raise AssertionError(f"no mail to {to}")


def assert_nowhere(secrets: list[str], stream: io.StringIO, keep: Keep) -> None:
    written = stream.getvalue()
    assert keep.records and written
    for secret in secrets:
        assert secret not in written
        for record in keep.records:
            assert secret not in record.getMessage(), record.name
            assert secret not in (record.exc_text or ""), record.name


def test_invitation_journey_logs_no_token(client, cast, outbox):
    with every_log_line() as (stream, keep):
        served(client.post("/sign-in", {"email": cast.owner.email, "password": cast.owner.password}))
        response = served(client.post("/members/invite", {"emails": "nina@new.test", "account_type": "managed"}))
        assert response.status_code == 302
        token = mailed("nina@new.test", r"/invitations/([A-Za-z0-9_-]{43})")
        served(client.post("/sign-out"))
        assert served(client.get(f"/invitations/{token}")).status_code == 200
        served(client.get(f"/sign-in?next=/invitations/{token}"))
        response = served(
            client.post(f"/invitations/{token}", {"given_name": "Nina", "family_name": "New", "password": NEW_PASSWORD})
        )
        assert response.status_code == 302
        session_tokens = client.session[TOKENS_KEY]
        served(client.get(f"/invitations/{token}"))  # once more, after it was accepted
        served(client.get(f"/invitations/{token[:-1]}x"))  # an unknown token: a 404, logged by django.request
    secrets = [token, token[:-1] + "x", session_tokens["access_token"], session_tokens["refresh_token"]]
    assert_nowhere(secrets, stream, keep)
    written = stream.getvalue()
    assert "platform GET /invitations/[redacted] -> 200" in written
    assert '"GET /invitations/[redacted] HTTP/1.1" 200' in written
    assert "Not Found: /invitations/[redacted]" in written


def test_password_reset_journey_logs_no_token(client, cast, outbox):
    with every_log_line() as (stream, keep):
        served(client.post("/forgot-password", {"email": cast.member.email}))
        token = mailed(cast.member.email, r"/reset-password\?token=([^\s\"'<>]+)")
        assert served(client.get(f"/reset-password?token={token}")).status_code == 200
        fields = {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
        assert served(client.post("/reset-password", fields)).status_code == 302
        served(client.post("/reset-password", fields))  # the link works once
        served(client.get(f"/sign-in?next=/reset-password%3Ftoken%3D{token}"))
    assert_nowhere([token], stream, keep)
    assert '"GET /reset-password?token=[redacted] HTTP/1.1" 200' in stream.getvalue()


# --- gunicorn --------------------------------------------------------------------------------------

# gunicorn, with environ.Env.read_env made a no-op so that the repository's .env is not read.
GUNICORN_WITHOUT_DOTENV = (
    "import sys, environ; environ.Env.read_env = lambda *args, **kwargs: None; "
    "from gunicorn.app.wsgiapp import run; sys.argv = ['gunicorn', *sys.argv[1:]]; run()"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def test_gunicorn_logs_no_query_and_no_token(tmp_path):
    """gunicorn as the Dockerfile runs it (gunicorn.conf.py), on loopback, against an unmigrated database so that
    the requests also fail and log tracebacks."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {*settings_variables(), *TEST_ONLY}}
    env.update(
        DEBUG="false",
        SECRET_KEY="gunicorn-" + "k3y-" * 12,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    )
    command = [sys.executable, "-c", GUNICORN_WITHOUT_DOTENV, "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket", "console.wsgi"]
    # Files, not pipes: nothing reads a pipe while the requests run, and a full one (64 KB of tracebacks)
    # would block the worker at its next log line.
    logs = (tmp_path / "stdout.log", tmp_path / "stderr.log")
    with logs[0].open("w") as stdout, logs[1].open("w") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, text=True)
        try:
            wait_for(port, process)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
                for path in (
                    f"/invitations/{TOKEN}",
                    f"/api/v1/invitations/{TOKEN}",
                    f"/reset-password?token={TOKEN}",
                    f"/sign-in?next=/invitations/{TOKEN}",
                ):
                    http.get(path, headers={"Referer": f"http://127.0.0.1:{port}/invitations/{TOKEN}"})
        finally:
            process.terminate()
            process.wait(timeout=30)
    out, err = (log.read_text() for log in logs)
    assert TOKEN not in out + err
    assert '"GET /invitations/[redacted] HTTP/1.1"' in out
    assert '"GET /reset-password HTTP/1.1"' in out and '"GET /sign-in HTTP/1.1"' in out  # no query strings
    assert "platform GET /invitations/[redacted] -> 500" in err  # the console's call log
    assert "internal error on GET /api/v1/invitations/[redacted]" in err and "Traceback" in err
