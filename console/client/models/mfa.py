"""mfa: MFA status, TOTP enrollment, recovery codes (contract §3.8)."""

from pydantic import AwareDatetime, Field

from console.client.models.common import Model


class MfaStatus(Model):
    enabled: bool = False
    methods: list[str] = []
    totp_confirmed_at: AwareDatetime | None = None
    recovery_codes_remaining: int = 0
    enrollment_pending: bool = False
    required: bool = False


class TotpEnrollment(Model):
    secret: str = Field(repr=False)
    otpauth_uri: str = Field(repr=False)
    expires_at: AwareDatetime


class TotpConfirmation(Model):
    recovery_codes: list[str] = Field(repr=False)
    mfa: MfaStatus


class RecoveryCodes(Model):
    recovery_codes: list[str] = Field(repr=False)
