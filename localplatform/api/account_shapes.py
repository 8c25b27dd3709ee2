"""Wire shapes of sign-in and account operations (§2.1 Email, Login, TrustedDevice, MfaStatus, MfaChallenge)."""

from typing import Literal

from ninja import Schema

from localplatform.api.schemas import Id, Timestamp
from localplatform.identity import models


class Email(Schema):
    id: Id
    email: str
    primary: bool
    verified: bool
    verifiedAt: Timestamp | None
    createdAt: Timestamp


class EmailPage(Schema):
    """MarkerPage<Email>: `marker` only when there is a next page."""

    items: list[Email]
    marker: str | None = None


class Login(Schema):
    id: Id
    current: bool
    method: Literal["password", "code", "sso"]
    mfa: bool
    tokenType: Literal["Bearer", "DPoP"]
    organizationId: Id | None
    ipAddress: str
    userAgent: str
    device: str | None
    createdAt: Timestamp
    lastUsedAt: Timestamp
    expiresAt: Timestamp


class LoginList(Schema):
    items: list[Login]


class TrustedDevice(Schema):
    id: Id
    name: str
    ipAddress: str
    userAgent: str
    createdAt: Timestamp
    lastUsedAt: Timestamp
    expiresAt: Timestamp


class TrustedDeviceList(Schema):
    items: list[TrustedDevice]


class MfaStatus(Schema):
    enabled: bool
    methods: list[Literal["totp"]]
    totpConfirmedAt: Timestamp | None
    recoveryCodesRemaining: int
    enrollmentPending: bool
    required: bool


class MfaChallenge(Schema):
    mfaRequired: Literal[True]
    mfaToken: str
    methods: list[Literal["totp", "recovery_code"]]
    expiresIn: int


class SignupAccepted(Schema):
    """202 for every valid sign-up, registered address or not (§3.1.2)."""

    emailVerificationRequired: Literal[True]


class EmailVerified(Schema):
    email: str
    verifiedAt: Timestamp


class TotpEnrollment(Schema):
    secret: str
    otpauthUri: str
    expiresAt: Timestamp


class RecoveryCodes(Schema):
    recoveryCodes: list[str]


class TotpConfirmed(RecoveryCodes):
    mfa: MfaStatus


def login_data(login: models.Login, current: models.Login) -> dict:
    """Login (§2.1); `current` marks the calling login."""
    return {
        "id": login.id,
        "current": login.pk == current.pk,
        "method": login.method,
        "mfa": login.mfa,
        "tokenType": login.token_type,
        "organizationId": login.organization_id,
        "ipAddress": login.ip_address,
        "userAgent": login.user_agent,
        "device": login.device,
        "createdAt": login.created_at,
        "lastUsedAt": login.last_used_at,
        "expiresAt": login.expires_at,
    }


def trusted_device_data(device) -> dict:
    """TrustedDevice (§2.1)."""
    return {
        "id": device.id,
        "name": device.name,
        "ipAddress": device.ip_address,
        "userAgent": device.user_agent,
        "createdAt": device.created_at,
        "lastUsedAt": device.last_used_at,
        "expiresAt": device.expires_at,
    }
