"""Fixed-window rate limits kept in Django's cache (contract §1.6 "Rate limits").

A window opens with the first counted request and lasts `window` seconds; once `limit` requests were
counted in it, every request is refused with 429 until it closes. The cache is the only state, so the
limits hold per cache (per process with the default local-memory cache, shared with Redis or memcached).
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache

from localplatform.errors import PlatformError


@dataclass(frozen=True)
class Limit:
    """`limit` counted requests per `window` seconds for each key of one scope."""

    scope: str
    limit: int
    window: int

    def _key(self, parts: tuple[str, ...]) -> str:
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        return f"lakesail.throttle.{self.scope}.{digest}"

    def check(self, *parts: str) -> None:
        """Raise 429 rate_limited, with Retry-After, while the key's window is full."""
        state = cache.get(self._key(parts))
        if state is None:
            return
        opened, count = state
        remaining = opened + self.window - time.time()
        if count >= self.limit and remaining > 0:
            retry_after = max(1, math.ceil(remaining))
            raise PlatformError(
                "rate_limited", f"Too many attempts. Try again in {retry_after} s.", retry_after=retry_after
            )

    def count(self, *parts: str) -> None:
        """Count one request against the key, opening a window if none is open."""
        key = self._key(parts)
        now = time.time()
        state = cache.get(key)
        opened, count = state if state is not None and state[0] + self.window > now else (now, 0)
        cache.set(key, (opened, count + 1), timeout=max(1, math.ceil(opened + self.window - now)))


# /auth/login: failed attempts per (IP, email).
LOGIN_FAILURES = Limit("login-failures", limit=10, window=60)

# The other sign-in routes (§1.6): mail-sending routes count every request per (IP, email); the others count
# failures, per (IP, email) or, without an email, per (IP, token sent).
LOGIN_CODE_REQUESTS = Limit("login-code-requests", limit=10, window=60)
LOGIN_CODE_FAILURES = Limit("login-code-failures", limit=10, window=60)
MFA_FAILURES = Limit("mfa-failures", limit=10, window=60)
PASSWORD_FORGOT_REQUESTS = Limit("password-forgot-requests", limit=10, window=60)
PASSWORD_RESET_FAILURES = Limit("password-reset-failures", limit=10, window=60)
VERIFY_RESEND_REQUESTS = Limit("verify-resend-requests", limit=10, window=60)
# /auth/signup sends mail whatever the address: every request counts, per (IP, email) and per IP.
SIGNUP_REQUESTS = Limit("signup-requests", limit=10, window=60)
SIGNUP_IP_REQUESTS = Limit("signup-ip-requests", limit=20, window=3600)


def every_request(limit: Limit, *parts: str) -> None:
    """Refuse while the window is full, else count this request (routes that send mail)."""
    limit.check(*parts)
    limit.count(*parts)


class failures:
    """Refuse while the window is full; count the block's PlatformError if its code is one of `codes`."""

    def __init__(self, limit: Limit, *parts: str, codes: tuple[str, ...]):
        self.limit, self.parts, self.codes = limit, parts, codes

    def __enter__(self):
        self.limit.check(*self.parts)
        return self

    def __exit__(self, exc_type, exc, tb):
        if isinstance(exc, PlatformError) and exc.code in self.codes:
            self.limit.count(*self.parts)
        return False
