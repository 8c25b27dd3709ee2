"""/auth: sign-up, MFA step, one-time codes, password reset and email verification (contract §3.1)."""

from ninja import Router, Status
from pydantic import Field, StrictBool, model_validator

from localplatform.accounts.services import addresses, passwords, signin
from localplatform.accounts.services.signup import signup as create_account
from localplatform.api import account_shapes as shapes
from localplatform.api import shapes as identity_shapes
from localplatform.api.schemas import Id, Input
from localplatform.api.throttle import (
    LOGIN_CODE_FAILURES,
    LOGIN_CODE_REQUESTS,
    MFA_FAILURES,
    PASSWORD_FORGOT_REQUESTS,
    PASSWORD_RESET_FAILURES,
    SIGNUP_IP_REQUESTS,
    SIGNUP_REQUESTS,
    VERIFY_RESEND_REQUESTS,
    every_request,
    failures,
)
from localplatform.identity.models import Login
from localplatform.identity.services import tokens

router = Router(tags=["authentication"])

Email = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Name = Field(min_length=1, max_length=255)
NewPassword = Field(min_length=12, max_length=128)
SixDigits = Field(pattern=r"^[0-9]{6}$")


class SignupIn(Input):
    email: str = Email
    password: str = NewPassword
    givenName: str = Name
    familyName: str = Name
    displayName: str | None = Field(None, min_length=1, max_length=255)
    organizationName: str = Name


class EmailIn(Input):
    email: str = Email


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


class ResetIn(Input):
    token: str = Field(max_length=512)
    newPassword: str = NewPassword


class TokenIn(Input):
    token: str = Field(max_length=512)


def _email_key(request, email: str) -> tuple[str, str]:
    return tokens.ClientInfo.of(request).ip_address, addresses.normalize(email)


@router.post(
    "/signup",
    response={202: shapes.SignupAccepted, **identity_shapes.errors(400, 422, 429)},
    summary="Sign up",
)
def signup(request, body: SignupIn):
    """Creates a user and a new organization in which the user is Owner, then sends a verification email."""
    # Every valid request gets the same 202: a registered address gets a mail instead, and nothing is created.
    ip_address, email = _email_key(request, body.email)
    SIGNUP_IP_REQUESTS.check(ip_address)
    SIGNUP_REQUESTS.check(ip_address, email)
    SIGNUP_IP_REQUESTS.count(ip_address)
    SIGNUP_REQUESTS.count(ip_address, email)
    create_account(
        request, body.email, body.password, body.givenName, body.familyName, body.displayName, body.organizationName
    )
    return Status(202, {"emailVerificationRequired": True})


@router.post(
    "/login/mfa",
    response={200: identity_shapes.TokenResponse, **identity_shapes.errors(400, 401, 403, 422, 429)},
    summary="Complete MFA login",
    exclude_unset=True,
)
def login_mfa(request, body: LoginMfaIn):
    """Finishes a login that returned MfaChallenge, with a TOTP code or a recovery code."""
    client = tokens.ClientInfo.of(request)
    with failures(MFA_FAILURES, client.ip_address, body.mfaToken, codes=("invalid_mfa_code", "invalid_token")):
        return signin.complete_challenge(
            body.mfaToken, body.code, body.recoveryCode, client, body.trustDevice, body.deviceName
        )


@router.post(
    "/login/code",
    response={204: None, **identity_shapes.errors(400, 422, 429)},
    summary="Request a one-time login code",
)
def login_code_request(request, body: EmailIn):
    """Emails a 6-digit code valid for 600 s; the same answer for unknown emails."""
    every_request(LOGIN_CODE_REQUESTS, *_email_key(request, body.email))
    signin.send_login_code(body.email, request)
    return Status(204, None)


@router.post(
    "/login/code/verify",
    response={
        200: identity_shapes.TokenResponse | shapes.MfaChallenge,
        **identity_shapes.errors(400, 401, 403, 422, 429),
    },
    summary="Verify a one-time login code",
    exclude_unset=True,
)
def login_code_verify(request, body: LoginCodeVerifyIn):
    """Logs in with the emailed code; MFA applies exactly as for password login."""
    with failures(LOGIN_CODE_FAILURES, *_email_key(request, body.email), codes=("invalid_credentials",)):
        user = signin.check_login_code(body.email, body.code)
    return signin.finish_first_factor(
        user, body.organizationId, Login.CODE, tokens.ClientInfo.of(request), body.trustedDeviceToken
    )


@router.post(
    "/password/forgot",
    response={204: None, **identity_shapes.errors(400, 422, 429)},
    summary="Forgot password",
)
def password_forgot(request, body: EmailIn):
    """Emails a single-use reset link valid for 3600 s; the same answer for unknown emails."""
    every_request(PASSWORD_FORGOT_REQUESTS, *_email_key(request, body.email))
    passwords.forgot(body.email, request)
    return Status(204, None)


@router.post(
    "/password/reset",
    response={204: None, **identity_shapes.errors(400, 422, 429)},
    summary="Reset password",
)
def password_reset(request, body: ResetIn):
    """Sets a new password with the emailed token and revokes all of the user's logins."""
    ip_address = tokens.ClientInfo.of(request).ip_address
    with failures(PASSWORD_RESET_FAILURES, ip_address, body.token, codes=("validation_failed",)):
        passwords.reset(body.token, body.newPassword)
    return Status(204, None)


@router.post(
    "/email/verify",
    response={200: shapes.EmailVerified, **identity_shapes.errors(400, 422)},
    summary="Verify email",
)
def email_verify(request, body: TokenIn):
    """Confirms an email address with the token from the verification link."""
    address = addresses.verify(body.token)
    return {"email": address.email, "verifiedAt": addresses.record(address).verified_at}


@router.post(
    "/email/verify/resend",
    response={204: None, **identity_shapes.errors(400, 422, 429)},
    summary="Resend verification email",
)
def email_verify_resend(request, body: EmailIn):
    """Sends a fresh verification link; the same answer for unknown or verified addresses."""
    every_request(VERIFY_RESEND_REQUESTS, *_email_key(request, body.email))
    addresses.resend(body.email, request)
    return Status(204, None)
