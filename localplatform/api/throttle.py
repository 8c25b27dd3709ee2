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

from localplatform.api.errors import ApiError


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
            raise ApiError("rate_limited", f"Too many attempts. Try again in {retry_after} s.", retry_after=retry_after)

    def count(self, *parts: str) -> None:
        """Count one request against the key, opening a window if none is open."""
        key = self._key(parts)
        now = time.time()
        state = cache.get(key)
        opened, count = state if state is not None and state[0] + self.window > now else (now, 0)
        cache.set(key, (opened, count + 1), timeout=max(1, math.ceil(opened + self.window - now)))


# /auth/login: failed attempts per (IP, email).
LOGIN_FAILURES = Limit("login-failures", limit=10, window=60)
