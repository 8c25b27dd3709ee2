"""The token bundle a console session holds: tokens, expiry, and a generation that only ever grows."""

import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any

# Session key under which the bundle is stored (server side only).
TOKENS_KEY = "platform.tokens"
# Refresh when the access token has less than this many seconds left (contract §5).
REFRESH_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class TokenBundle:
    """Access and refresh token of one platform login. Never logged, never rendered, never in a cookie."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    token_type: str = "Bearer"
    organization_id: str | None = None
    mfa_enrollment_required: bool = False
    generation: int = 1

    @classmethod
    def issued(cls, response: Any, generation: int = 1) -> "TokenBundle":
        """A bundle from a TokenResponse that was just received."""
        return cls(
            access_token=response.access_token,
            refresh_token=response.refresh_token,
            expires_at=time.time() + response.expires_in,
            token_type=response.token_type,
            organization_id=response.organization_id,
            mfa_enrollment_required=response.mfa_enrollment_required,
            generation=generation,
        )

    @classmethod
    def from_dict(cls, data: dict | None) -> "TokenBundle | None":
        """The bundle stored in a session, or None when there is none (or it is unreadable)."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None

    def as_dict(self) -> dict:
        return asdict(self)

    def expiring(self, now: float | None = None) -> bool:
        """True when the access token expires within the refresh margin."""
        return self.expires_at - (now if now is not None else time.time()) < REFRESH_MARGIN_SECONDS

    def successor(self, response: Any) -> "TokenBundle":
        """The bundle after a refresh: new tokens, next generation."""
        return replace(TokenBundle.issued(response), generation=self.generation + 1)


def generation_of(data: Any) -> int:
    """The generation of a stored bundle dict; -1 when there is none."""
    if isinstance(data, dict) and isinstance(data.get("generation"), int):
        return data["generation"]
    return -1
