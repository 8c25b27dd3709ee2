"""auth: tokens, the MFA challenge, sign-up and email verification results (contract §3.1)."""

from typing import Literal

from pydantic import AwareDatetime, Field

from console.client.models.common import Model


class TokenResponse(Model):
    access_token: str = Field(repr=False)
    token_type: Literal["Bearer", "DPoP"] = "Bearer"
    expires_in: int
    refresh_token: str = Field(repr=False)
    trusted_device_token: str | None = Field(default=None, repr=False)
    organization_id: str | None = None
    mfa_enrollment_required: bool = False


class MfaChallenge(Model):
    mfa_required: Literal[True]
    mfa_token: str = Field(repr=False)
    methods: list[str] = []
    expires_in: int = 300


class EmailVerified(Model):
    email: str
    verified_at: AwareDatetime
