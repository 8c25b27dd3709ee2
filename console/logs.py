"""Tokens never reach a log line: one filter, attached to every handler by settings.LOGGING and gunicorn.conf.py.

Invitation links carry their token in the path (/invitations/<token>), password-reset and email-verification
links in the query (?token=..., ?key=...), and a sign-in redirect can carry either, percent-encoded, in `next`.
The filter masks them in the final message and in traceback text, whichever logger wrote the line (the
console's call log, django.server, django.request, gunicorn). Standard library only: gunicorn imports it
before Django is set up.
"""

import logging
import re

MASK = "[redacted]"

# Path segments that are tokens: /invitations/<token>, plain or percent-encoded (in a `next=` value). A platform
# id (up to 20 uppercase letters and digits, as in /org/invitations/{invitation}) stays readable.
TOKEN_PATH = re.compile(
    r"(?P<keep>(?:/|%2F)invitations(?:/|%2F))(?!(?-i:[A-Z0-9]{1,20})(?:[/?#&\s\"'<>]|%2F|%3F|$))[^/?#&\s\"'<>%]+",
    re.IGNORECASE,
)
# Query parameters whose names say they hold a secret: token, key, code, state, secret, password, signature,
# otp (access_token, refresh_token, id_token, mfaToken... included), plain or percent-encoded.
SECRET_PARAM = re.compile(
    r"(?P<keep>(?:[?&;]|%3F|%26)[\w.\[\]-]*?(?:token|key|code|state|secret|passw|signature|otp)[\w.\[\]-]*(?:=|%3D))"
    r"(?:[^&;#\s\"'<>%]|%(?!26|23))+",
    re.IGNORECASE,
)
# Credentials in a header value: "Bearer <token>", "DPoP <token>", "Basic <credentials>".
AUTH_SCHEME = re.compile(r"(?P<keep>\b(?:Bearer|DPoP|Basic)\s+)[\w.~+/=-]+", re.IGNORECASE)
# A secret field in JSON or a Python repr: "accessToken": "...", 'password': '...'.
SECRET_FIELD = re.compile(
    r"(?P<keep>([\"'])[\w-]*(?:token|secret|passw|code|key)[\w-]*\2\s*:\s*)([\"'])(?:\\.|(?!\3).)*\3",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """The text with every token in a path, query, header value or secret field replaced by [redacted]."""
    for pattern in (TOKEN_PATH, SECRET_PARAM, AUTH_SCHEME):
        text = pattern.sub(lambda m: m.group("keep") + MASK, text)
    return SECRET_FIELD.sub(lambda m: m.group("keep") + m.group(3) + MASK + m.group(3), text)


class RedactTokens(logging.Filter):
    """Masks tokens in a record's message and traceback before a handler writes it (the record is changed in place)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # the handler would print msg and args in its error report: keep only the masked msg
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
