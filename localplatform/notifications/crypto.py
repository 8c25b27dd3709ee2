"""Write-only channel secrets, encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from SECRET_KEY through HKDF-SHA256, so no
extra setting is needed. Changing SECRET_KEY makes stored channel secrets unreadable: such channels
fail with a message asking to enter the secret again.
"""

import base64
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretsUnreadable(Exception):
    """The stored secrets were encrypted under another SECRET_KEY."""


@cache
def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lakesail.notifications", info=b"channel-secrets").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(values: dict[str, str]) -> str:
    """Encrypt a dict of secrets; an empty dict is stored as ''."""
    if not values:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(json.dumps(values).encode()).decode()


def unseal(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet(settings.SECRET_KEY).decrypt(token.encode()))
    except InvalidToken:
        raise SecretsUnreadable from None
