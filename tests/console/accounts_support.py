"""Helpers for the sign-in and account tests: the Dev mailbox outbox, mailed tokens, TOTP."""

import re

import pyotp

from localplatform.accounts.models import OutboxMessage


def last_mail(to: str) -> OutboxMessage:
    for message in OutboxMessage.objects.order_by("-sent_at", "-id"):
        if to in message.to:
            return message
    raise AssertionError(f"no mail to {to}")


def link_token(message: OutboxMessage, path: str) -> str:
    match = re.search(rf"{re.escape(path)}\?token=([^\s\"'<>]+)", message.text)
    assert match, message.text
    return match.group(1)


def mailed_code(message: OutboxMessage) -> str:
    match = re.search(r"\b(\d{6})\b", message.text)
    assert match, message.text
    return match.group(1)


def enable_totp(client) -> pyotp.TOTP:
    """Turn MFA on through the console's Security pages; returns the authenticator."""
    assert client.post("/account/security/totp/start").status_code == 302
    secret = client.session["account.totp_setup"]["secret"]
    totp = pyotp.TOTP(secret)
    response = client.post("/account/security/totp", {"code": totp.now()})
    assert response.status_code == 302 and response["Location"] == "/account/security/recovery-codes", response
    return totp


def other_code(totp: pyotp.TOTP) -> str:
    """A valid code that differs from now() (the next step), for a second use inside one period."""
    import time

    return totp.at(time.time() + 30)
