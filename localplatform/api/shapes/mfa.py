"""Wire shapes of /me/mfa (contract §3.8): TOTP enrollment, recovery codes, MFA status and reset."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from localplatform.api.shapes.common import Input, Timestamp


class CodeIn(Input):
    code: str = Field(pattern=r"^[0-9]{6}$")


class MfaResetIn(Input):
    password: str | None = Field(None, max_length=128)
    code: str | None = Field(None, pattern=r"^[0-9]{6}$")


class MfaStatus(Schema):
    enabled: bool
    methods: list[Literal["totp"]]
    totpConfirmedAt: Timestamp | None
    recoveryCodesRemaining: int
    enrollmentPending: bool
    required: bool


class TotpEnrollment(Schema):
    secret: str
    otpauthUri: str
    expiresAt: Timestamp


class RecoveryCodes(Schema):
    recoveryCodes: list[str]


class TotpConfirmed(RecoveryCodes):
    mfa: MfaStatus
