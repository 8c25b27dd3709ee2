"""Server-generated ids: exactly 10 uppercase alphanumerics (contract §0)."""

import re
import secrets
import string

ID_ALPHABET = string.ascii_uppercase + string.digits
ID_PATTERN = re.compile(r"^[A-Z0-9]{1,20}$")


def new_id() -> str:
    """A fresh random id such as "A1B2C3D4E5"."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(10))


def is_valid_id(value: str) -> bool:
    """True when value has the shape of a platform id (it may still not exist)."""
    return bool(ID_PATTERN.match(value))
