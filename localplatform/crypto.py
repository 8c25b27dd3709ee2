"""Write-only secrets encrypted at rest, for any area of the platform (IdP client secrets, PKCE verifiers).

Fernet (AES-128-CBC + HMAC-SHA256) with keys derived from SECRET_KEY through HKDF-SHA256, one key per
`purpose`, so no extra setting is needed and a value sealed for one purpose cannot be read as another.
Values sealed under a key in SECRET_KEY_FALLBACKS stay readable while SECRET_KEY is rotated; without the
old key they are unreadable (Unreadable) and must be entered again.
(notifications/crypto.py is the same scheme for channel secrets, with its own salt.)
"""

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class Unreadable(Exception):
    """The value was sealed under a SECRET_KEY this deployment no longer has."""


@cache
def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lakesail.platform", info=purpose.encode()).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(purpose: str) -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(key, purpose) for key in keys])


def seal(value: str, *, purpose: str) -> str:
    """Encrypt `value` for `purpose`; an empty value is stored as ''."""
    if not value:
        return ""
    return _keys(purpose).encrypt(value.encode()).decode()


def unseal(token: str, *, purpose: str) -> str:
    """The value sealed for `purpose`; Unreadable when no key of this deployment opens it."""
    if not token:
        return ""
    try:
        return _keys(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        raise Unreadable from None
