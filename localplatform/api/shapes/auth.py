"""Wire shapes of /auth (contract §3.1): sign-up, logins and their MFA step, tokens, passwords, email verification."""

from typing import Literal

from ninja import Schema
from pydantic import Field, StrictBool, model_validator

from localplatform.api.shapes.common import EmailAddress, Id, Input, Permission, Timestamp

NewPassword = Field(min_length=12, max_length=128)
PersonName = Field(min_length=1, max_length=255)
SixDigits = Field(pattern=r"^[0-9]{6}$")

# --- Requests -------------------------------------------------------------------------------------


class SignupIn(Input):
    email: EmailAddress
    password: str = NewPassword
    givenName: str = PersonName
    familyName: str = PersonName
    displayName: str | None = Field(None, min_length=1, max_length=255)
    organizationName: str = PersonName


class LoginIn(Input):
    email: str
    password: str
    organizationId: Id | None = None
    trustedDeviceToken: str | None = None  # skips the MFA step while the device is trusted


class LoginCodeVerifyIn(Input):
    email: str
    code: str = SixDigits
    organizationId: Id | None = None
    trustedDeviceToken: str | None = None


class LoginMfaIn(Input):
    mfaToken: str
    code: str | None = Field(None, pattern=r"^[0-9]{6}$")
    recoveryCode: str | None = Field(None, max_length=64)
    trustDevice: StrictBool = False
    deviceName: str | None = Field(None, min_length=1, max_length=255)

    @model_validator(mode="after")
    def one_kind_of_code(self):
        if (self.code is None) == (self.recoveryCode is None):
            raise ValueError("give exactly one of code or recoveryCode")
        return self


class RefreshIn(Input):
    refreshToken: str
    organizationId: Id | None = None


class LogoutIn(Input):
    allLogins: StrictBool = False


class PasswordResetIn(Input):
    token: str = Field(max_length=512)
    newPassword: str = NewPassword


class TokenIn(Input):
    token: str = Field(max_length=512)


class SsoStartQuery(Schema):
    email: str | None = Field(None, max_length=254)
    idpId: Id | None = None
    redirectUri: str = Field(max_length=2048)
    organizationId: Id | None = None


class SsoCallbackQuery(Schema):
    """What the provider sent to the console's callback page, forwarded unchanged (§3.1.8)."""

    state: str | None = Field(None, max_length=512)
    code: str | None = Field(None, max_length=4096)
    error: str | None = Field(None, max_length=256)
    error_description: str | None = Field(None, max_length=1024)
    iss: str | None = Field(None, max_length=2048)  # RFC 9207: the issuer that answered


# --- Responses ------------------------------------------------------------------------------------


class SignupAccepted(Schema):
    """202 for every valid sign-up, registered address or not (§3.1.2)."""

    emailVerificationRequired: Literal[True]


class TokenResponse(Schema):
    accessToken: str
    tokenType: Literal["Bearer", "DPoP"]
    expiresIn: int
    refreshToken: str
    trustedDeviceToken: str | None = None  # present only after an MFA login that trusts the device
    organizationId: Id | None
    mfaEnrollmentRequired: bool


class MfaChallenge(Schema):
    mfaRequired: Literal[True]
    mfaToken: str
    methods: list[Literal["totp", "recovery_code"]]
    expiresIn: int


class SsoStart(Schema):
    authorizationUrl: str
    state: str
    expiresIn: int


class EmailVerified(Schema):
    email: str
    verifiedAt: Timestamp


class PermissionList(Schema):
    items: list[Permission]
