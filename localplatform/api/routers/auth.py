"""/auth: password login, token refresh, logout and the permission catalogue (contract §3.1)."""

from ninja import Router, Status
from pydantic import StrictBool

from localplatform.accounts.services import signin
from localplatform.api import shapes
from localplatform.api.account_shapes import MfaChallenge
from localplatform.api.auth import NONE, BearerAuth
from localplatform.api.schemas import Id, Input
from localplatform.api.throttle import LOGIN_FAILURES, failures
from localplatform.identity.models import Login, Permission
from localplatform.identity.services import credentials, tokens

router = Router(tags=["authentication"])


class LoginIn(Input):
    email: str
    password: str
    organizationId: Id | None = None
    trustedDeviceToken: str | None = None  # skips the MFA step while the device is trusted


class RefreshIn(Input):
    refreshToken: str
    organizationId: Id | None = None


class LogoutIn(Input):
    allLogins: StrictBool = False


@router.post(
    "/login",
    response={200: shapes.TokenResponse | MfaChallenge, **shapes.errors(400, 401, 403, 422, 429)},
    summary="Log in with password",
    exclude_unset=True,
)
def login(request, body: LoginIn):
    """Exchanges email and password for tokens, or for an MFA challenge when the user has TOTP enabled."""
    client = tokens.ClientInfo.of(request)
    with failures(LOGIN_FAILURES, client.ip_address, body.email.strip().lower(), codes=("invalid_credentials",)):
        user = credentials.authenticate(body.email, body.password)
    return signin.finish_first_factor(user, body.organizationId, Login.PASSWORD, client, body.trustedDeviceToken)


@router.post(
    "/token/refresh",
    response={200: shapes.TokenResponse, **shapes.errors(400, 401, 403, 422)},
    summary="Refresh tokens",
    exclude_unset=True,
)
def token_refresh(request, body: RefreshIn):
    """Rotates the refresh token and issues a new access token, optionally in another organization."""
    login = tokens.rotate_refresh_token(body.refreshToken, body.organizationId)
    return tokens.issue_tokens(login)


@router.post(
    "/logout",
    auth=BearerAuth(org=NONE, gate_exempt=True),
    response={204: None, **shapes.errors(400, 401, 422)},
    summary="Log out",
)
def logout(request, body: LogoutIn):
    """Revokes the calling login, or every login of the user with `allLogins`."""
    actor = request.auth
    if body.allLogins:
        tokens.revoke_all_logins(actor.user)
    else:
        tokens.revoke_login(actor.login)
    return Status(204, None)


@router.get(
    "/permissions",
    auth=BearerAuth(org=NONE),
    response={200: shapes.PermissionList, **shapes.errors(401, 403)},
    summary="List available permissions",
)
def permission_list(request):
    """Returns the catalog of permission relations and the object types each relation applies to."""
    return {"items": [shapes.permission_data(p) for p in Permission.objects.order_by("relation")]}
