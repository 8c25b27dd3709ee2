"""Helpers for the sign-in and account tests: mail in django.core.mail.outbox, TOTP codes from pyotp."""

import re
import time

import pyotp
from django.core import mail

from tests.conftest import bearer

STRONG = "a-brand-new-passphrase-42"


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def last_mail(address: str):
    found = mails_to(address)
    assert found, f"no mail to {address}; outbox: {[m.to for m in mail.outbox]}"
    return found[-1]


def link_token(message, path: str) -> str:
    """The token of the `<origin>/<path>?token=...` link in a mail's text."""
    match = re.search(rf"(\S+)/{path}\?token=(\S+)", message.body)
    assert match, message.body
    return match.group(2)


def login_code(message) -> str:
    match = re.search(r"\b(\d{6})\b", message.body)
    assert match, message.body
    return match.group(1)


def totp_code(secret: str, step: int = 0) -> str:
    """The code of the current 30 s window (step=0) or a neighbour one, which the ±1 tolerance accepts.

    allauth refuses a code seen before in its window (replay guard): a second use in a test takes another step.
    """
    return pyotp.TOTP(secret).at(time.time() + 30 * step)


def enroll(api, token: str) -> tuple[str, list[str]]:
    """Turn TOTP on for the token's user; returns (secret, recovery codes)."""
    started = api.post("/me/mfa/totp", headers=bearer(token))
    assert started.status_code == 201, started.text
    secret = started.json()["secret"]
    confirmed = api.post("/me/mfa/totp/confirm", json={"code": totp_code(secret)}, headers=bearer(token))
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recoveryCodes"]
