"""/auth (contract §3.1): sign-up, password and one-time-code login, the MFA step, tokens, passwords, email
verification and the permission catalogue. Public routes are throttled as §1.6 says (api/throttle.py)."""

from ninja import Query, Router, Status

from localplatform.accounts.mail import console_base_url
from localplatform.accounts.services import addresses, passwords, signin
from localplatform.accounts.services.signup import signup
from localplatform.api.auth import NONE, BearerAuth, token_request_proof
from localplatform.api.shapes import auth as shapes
from localplatform.api.shapes.common import EmailIn, errors, permission_data
from localplatform.api.throttle import (
    LOGIN_CODE_FAILURES,
    LOGIN_CODE_REQUESTS,
    LOGIN_FAILURES,
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
from localplatform.identity.services import credentials, roles, tokens
from localplatform.sso.services import sso

router = Router(tags=["authentication"])

TOKENS_OR_CHALLENGE = {200: shapes.TokenResponse | shapes.MfaChallenge}


def _email_key(request, email: str) -> tuple[str, str]:
    return tokens.ClientInfo.of(request).ip_address, addresses.normalize(email)


@router.post(
    "/signup",
    response={202: shapes.SignupAccepted, **errors(400, 422, 429)},
    summary="Sign up",
)
def sign_up(request, body: shapes.SignupIn):
    """Creates a user and a new organization in which the user is Owner, then sends a verification email."""
    # Every valid request gets the same 202: a registered address gets a mail instead, and nothing is created.
    ip_address, email = _email_key(request, body.email)
    SIGNUP_IP_REQUESTS.check(ip_address)
    SIGNUP_REQUESTS.check(ip_address, email)
    SIGNUP_IP_REQUESTS.count(ip_address)
    SIGNUP_REQUESTS.count(ip_address, email)
    signup(request, body.email, body.password, body.givenName, body.familyName, body.displayName, body.organizationName)
    return Status(202, {"emailVerificationRequired": True})


@router.post(
    "/login",
    response={**TOKENS_OR_CHALLENGE, **errors(400, 401, 403, 422, 429)},
    summary="Log in with password",
    exclude_unset=True,
)
def login(request, body: shapes.LoginIn):
    """Exchanges email and password for tokens, or for an MFA challenge when the user has TOTP enabled."""
    client = tokens.ClientInfo.of(request, token_request_proof(request))
    with failures(LOGIN_FAILURES, client.ip_address, body.email.strip().lower(), codes=("invalid_credentials",)):
        user = credentials.authenticate(body.email, body.password)
    return signin.finish_first_factor(user, body.organizationId, Login.PASSWORD, client, body.trustedDeviceToken)


@router.post(
    "/login/mfa",
    response={200: shapes.TokenResponse, **errors(400, 401, 403, 422, 429)},
    summary="Complete MFA login",
    exclude_unset=True,
)
def complete_mfa_login(request, body: shapes.LoginMfaIn):
    """Finishes a login that returned MfaChallenge, with a TOTP code or a recovery code."""
    client = tokens.ClientInfo.of(request, token_request_proof(request))
    with failures(MFA_FAILURES, client.ip_address, body.mfaToken, codes=("invalid_mfa_code", "invalid_token")):
        return signin.complete_challenge(
            body.mfaToken, body.code, body.recoveryCode, client, body.trustDevice, body.deviceName
        )


@router.post(
    "/login/code",
    response={204: None, **errors(400, 422, 429)},
    summary="Request a one-time login code",
)
def request_login_code(request, body: EmailIn):
    """Emails a 6-digit code valid for 600 s; the same answer for unknown emails."""
    every_request(LOGIN_CODE_REQUESTS, *_email_key(request, body.email))
    signin.send_login_code(body.email, request)
    return Status(204, None)


@router.post(
    "/login/code/verify",
    response={**TOKENS_OR_CHALLENGE, **errors(400, 401, 403, 422, 429)},
    summary="Verify a one-time login code",
    exclude_unset=True,
)
def verify_login_code(request, body: shapes.LoginCodeVerifyIn):
    """Logs in with the emailed code; MFA applies exactly as for password login."""
    client = tokens.ClientInfo.of(request, token_request_proof(request))
    with failures(LOGIN_CODE_FAILURES, *_email_key(request, body.email), codes=("invalid_credentials",)):
        user = signin.check_login_code(body.email, body.code)
    return signin.finish_first_factor(user, body.organizationId, Login.CODE, client, body.trustedDeviceToken)


@router.get(
    "/sso/start",
    response={200: shapes.SsoStart, **errors(400, 404, 422)},
    summary="Start SSO",
)
def start_sso(request, query: Query[shapes.SsoStartQuery]):
    """Begins the OIDC authorization-code flow with PKCE and returns the provider URL the browser must visit."""
    allowed = sso.redirect_uris(console_base_url(request))
    return sso.start(query.email, query.idpId, query.redirectUri, query.organizationId, allowed)


@router.get(
    "/sso/callback",
    response={200: shapes.TokenResponse, **errors(400, 401, 403)},
    summary="Complete SSO",
    exclude_unset=True,
)
def complete_sso(request, query: Query[shapes.SsoCallbackQuery]):
    """Exchanges the provider's authorization code for LakeSail tokens; the console forwards the query unchanged."""
    # The DPoP proof first (§1.4): an invalid one is refused before the single-use state and code are spent.
    client = tokens.ClientInfo.of(request, token_request_proof(request))
    user, organization = sso.complete(query.state, query.code, query.error, query.error_description, query.iss)
    # No LakeSail MFA step or gate for SSO (§3.1.8); bound to the proof's key when one was sent.
    return tokens.start_login(user, organization, Login.SSO, client)[1]


@router.post(
    "/token/refresh",
    response={200: shapes.TokenResponse, **errors(400, 401, 403, 422)},
    summary="Refresh tokens",
    exclude_unset=True,
)
def refresh_tokens(request, body: shapes.RefreshIn):
    """Rotates the refresh token and issues a new access token, optionally in another organization."""
    proof = token_request_proof(request)
    return tokens.issue_tokens(tokens.rotate_refresh_token(body.refreshToken, body.organizationId, proof))


@router.post(
    "/logout",
    auth=BearerAuth(org=NONE, gate_exempt=True),
    response={204: None, **errors(400, 401, 422)},
    summary="Log out",
)
def logout(request, body: shapes.LogoutIn):
    """Revokes the calling login, or every login of the user with `allLogins`."""
    actor = request.auth
    if body.allLogins:
        tokens.revoke_all_logins(actor.user)
    else:
        tokens.revoke_login(actor.login)
    return Status(204, None)


@router.post(
    "/password/forgot",
    response={204: None, **errors(400, 422, 429)},
    summary="Forgot password",
)
def forgot_password(request, body: EmailIn):
    """Emails a single-use reset link valid for 3600 s; the same answer for unknown emails."""
    every_request(PASSWORD_FORGOT_REQUESTS, *_email_key(request, body.email))
    passwords.forgot(body.email, request)
    return Status(204, None)


@router.post(
    "/password/reset",
    response={204: None, **errors(400, 422, 429)},
    summary="Reset password",
)
def reset_password(request, body: shapes.PasswordResetIn):
    """Sets a new password with the emailed token and revokes all of the user's logins."""
    ip_address = tokens.ClientInfo.of(request).ip_address
    with failures(PASSWORD_RESET_FAILURES, ip_address, body.token, codes=("validation_failed",)):
        passwords.reset(body.token, body.newPassword)
    return Status(204, None)


@router.post(
    "/email/verify",
    response={200: shapes.EmailVerified, **errors(400, 422)},
    summary="Verify email",
)
def verify_email(request, body: shapes.TokenIn):
    """Confirms an email address with the token from the verification link."""
    address = addresses.verify(body.token)
    return {"email": address.email, "verifiedAt": addresses.record(address).verified_at}


@router.post(
    "/email/verify/resend",
    response={204: None, **errors(400, 422, 429)},
    summary="Resend verification email",
)
def resend_verification_email(request, body: EmailIn):
    """Sends a fresh verification link; the same answer for unknown or verified addresses."""
    every_request(VERIFY_RESEND_REQUESTS, *_email_key(request, body.email))
    addresses.resend(body.email, request)
    return Status(204, None)


@router.get(
    "/permissions",
    auth=BearerAuth(org=NONE),
    response={200: shapes.PermissionList, **errors(401, 403)},
    summary="List available permissions",
)
def list_permissions(request):
    """Returns the catalog of permission relations and the object types each relation applies to."""
    return {"items": [permission_data(p) for p in roles.permissions()]}
