"""The Dev mailbox (GET /_local/outbox, contract §7) and real SMTP delivery through aiosmtpd."""

import email
import email.policy
import socket
import time

import httpx
import pytest
from aiosmtpd.controller import Controller

from localplatform.accounts.models import OutboxMessage
from tests.localplatform.account_support import STRONG

OUTBOX = {"default": {"BACKEND": "localplatform.accounts.mail.OutboxBackend"}}


@pytest.fixture
def site(db):
    """A client for the whole site (the outbox lives outside /api/v1)."""
    import console.wsgi
    from tests.embedded import SharedConnectionTransport

    app = console.wsgi.application
    with httpx.Client(transport=SharedConnectionTransport(app=app), base_url="http://testserver") as client:
        yield client


def test_local_mode_stores_mail_in_the_outbox_newest_first(cast, api, site, settings):
    settings.MAILERS = OUTBOX
    assert api.post("/auth/password/forgot", json={"email": "member@acme.test"}).status_code == 204
    assert api.post("/auth/login/code", json={"email": "admin@acme.test"}).status_code == 204
    response = site.get("/_local/outbox")  # no token needed
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json; charset=utf-8"
    items = response.json()["items"]
    assert [m["to"] for m in items] == [["admin@acme.test"], ["member@acme.test"]]
    reset = items[1]
    assert set(reset) == {"id", "to", "subject", "text", "html", "sentAt"}
    assert reset["subject"] == "LakeSail: Reset your password"
    assert "http://testserver/reset-password?token=" in reset["text"]
    assert '<a href="http://testserver/reset-password?token=' in reset["html"]
    assert reset["sentAt"].endswith("Z")
    one = site.get(f"/_local/outbox/{reset['id']}")
    assert one.status_code == 200 and one.json() == reset


def test_an_unknown_message_is_not_found(db, site):
    missing = site.get("/_local/outbox/NOSUCHMAIL")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert site.post("/_local/outbox").status_code in (403, 405)  # read only (CSRF refuses it first)


def test_the_outbox_is_absent_when_smtp_is_configured(db, site, settings):
    OutboxMessage.objects.create(to=["a@example.com"], subject="s", text="t")
    settings.SMTP_HOST = "smtp.example.com"
    assert site.get("/_local/outbox").status_code == 404
    message = OutboxMessage.objects.get()
    assert site.get(f"/_local/outbox/{message.id}").status_code == 404


def test_the_outbox_is_absent_outside_the_local_profile(db, site, settings):
    OutboxMessage.objects.create(to=["a@example.com"], subject="s", text="t")
    settings.LAKESAIL_LOCAL_MODE = False
    assert site.get("/_local/outbox").status_code == 404
    message = OutboxMessage.objects.get()
    assert site.get(f"/_local/outbox/{message.id}").status_code == 404


def test_without_smtp_or_the_local_profile_mail_is_dropped_unread(cast, api, settings, caplog):
    settings.MAILERS = {"default": {"BACKEND": "localplatform.accounts.mail.UnconfiguredBackend"}}
    assert api.post("/auth/login/code", json={"email": "admin@acme.test"}).status_code == 204
    assert OutboxMessage.objects.count() == 0
    [record] = [r for r in caplog.records if r.name == "localplatform.mail"]
    assert "SMTP_HOST is not configured" in record.getMessage() and "admin@acme.test" not in record.getMessage()


class Inbox:
    """An aiosmtpd handler keeping what it received."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_signup_verification_goes_through_a_real_smtp_server(db, api, settings, smtp_server):
    controller, inbox = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": controller.hostname, "port": controller.port, "use_tls": False, "timeout": 5},
        }
    }
    body = {
        "email": "smtp@example.com",
        "password": STRONG,
        "givenName": "Sam",
        "familyName": "Smtp",
        "organizationName": "Mail Co",
    }
    assert api.post("/auth/signup", json=body).status_code == 202
    deadline = time.time() + 5
    while not inbox.envelopes and time.time() < deadline:
        time.sleep(0.05)
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == ["smtp@example.com"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "LakeSail: Verify your email address"
    text = message.get_body(preferencelist=("plain",)).get_content()
    token = text.split("/verify-email?token=", 1)[1].split()[0]
    verified = api.post("/auth/email/verify", json={"token": token})
    assert verified.status_code == 200, verified.text
    assert OutboxMessage.objects.count() == 0
