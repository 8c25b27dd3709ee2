"""users (contract §3.3): /me, the calling identity with its organizations, addresses, logins, trusted devices,
password and teams; /users, the organization's user accounts for administrators (§3.3.10-3.3.17)."""

from ninja import Query, Router, Status

from localplatform.accounts.services import addresses, mfa, passwords, profile
from localplatform.api.auth import NONE, OPTIONAL, BearerAuth
from localplatform.api.pagination import MarkerQuery, decode_marker, encode_marker
from localplatform.api.shapes import users as shapes
from localplatform.api.shapes.common import EmailIn, Id, errors, member_data, team_roles_included, user_data
from localplatform.identity.services import directory, teams, tokens
from localplatform.identity.services import users as accounts

router = Router(tags=["users"])
# /users: organization-scoped, CanManageUsers@org checked before any lookup (§1.13 step 3).
admin_router = Router(tags=["users"], auth=BearerAuth())
# Not organization-scoped: the caller's own account, whatever the organization in context.
SELF = BearerAuth(org=NONE)


def me_data(actor) -> dict:
    """Me (§2.1) for the calling actor."""
    return shapes.me_data(actor.user, actor.organization, actor.member, directory.memberships_of(actor.user))


@router.get(
    "",
    auth=BearerAuth(org=OPTIONAL, gate_exempt=True),
    response={200: shapes.Me, **errors(400, 401, 403)},
    summary="Get current user profile",
)
def describe_me(request):
    """Returns the calling identity, its membership in the organization in context and all its organizations."""
    return me_data(request.auth)


@router.patch(
    "",
    auth=BearerAuth(org=OPTIONAL),
    response={200: shapes.Me, **errors(400, 401, 403, 422)},
    summary="Update my profile",
)
def update_me(request, body: shapes.ProfileIn):
    """Edits the caller's own name fields and primary email (one of their verified addresses)."""
    actor = request.auth
    profile.update(actor.user, body.email, body.givenName, body.familyName, body.displayName)
    if actor.member is not None:
        actor.member.refresh_from_db()
    return me_data(actor)


@router.get(
    "/emails",
    auth=SELF,
    response={200: shapes.EmailPage, **errors(400, 401, 403)},
    summary="List my email addresses",
    exclude_unset=True,
)
def list_emails(request, query: Query[MarkerQuery]):
    """Lists the caller's addresses, primary first, and whether each is verified."""
    rows = addresses.addresses_of(request.auth.user)
    start = int(decode_marker(query.marker, {})[0]) if query.marker else 0
    body: dict = {"items": [shapes.email_data(a) for a in rows[start : start + query.limit]]}
    if query.limit and start + query.limit < len(rows):
        body["marker"] = encode_marker([start + query.limit], {})
    return body


@router.post(
    "/emails",
    auth=SELF,
    response={201: shapes.Email, **errors(400, 401, 403, 409, 422)},
    summary="Add an email address",
)
def add_email(request, body: EmailIn):
    """Adds an unverified address and emails a verification link."""
    return Status(201, shapes.email_data(addresses.add(request.auth.user, body.email, request)))


@router.delete(
    "/emails/{emailId}",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Remove an email address",
)
def remove_email(request, emailId: Id):
    """Removes one of the caller's non-primary addresses."""
    addresses.remove(request.auth.user, emailId)
    return Status(204, None)


@router.get(
    "/logins",
    auth=SELF,
    response={200: shapes.LoginList, **errors(400, 401, 403)},
    summary="List my logins",
)
def list_logins(request):
    """Lists the caller's active, unexpired logins; the calling login has current: true."""
    actor = request.auth
    return {"items": [shapes.login_data(login, actor.login) for login in tokens.live_logins(actor.user)]}


@router.delete(
    "/logins/{loginId}",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Revoke a login",
)
def revoke_login(request, loginId: Id):
    """Ends one login at once: its access and refresh tokens stop working."""
    tokens.revoke_own_login(request.auth.user, loginId)
    return Status(204, None)


@router.get(
    "/trusted-devices",
    auth=SELF,
    response={200: shapes.TrustedDeviceList, **errors(400, 401, 403)},
    summary="List my trusted devices",
)
def list_trusted_devices(request):
    """Lists the caller's unexpired devices that skip the MFA step."""
    return {"items": [shapes.trusted_device_data(d) for d in mfa.trusted_devices(request.auth.user)]}


@router.delete(
    "/trusted-devices/{trustedDeviceId}",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Revoke a trusted device",
)
def revoke_trusted_device(request, trustedDeviceId: Id):
    """Forgets a device, so its next login needs MFA again."""
    mfa.forget_trusted_device(request.auth.user, trustedDeviceId)
    return Status(204, None)


@router.post(
    "/password",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 422)},
    summary="Change user password",
)
def change_password(request, body: shapes.PasswordChangeIn):
    """Changes the caller's password with the current one; their other logins are revoked."""
    actor = request.auth
    passwords.change(actor.user, actor.login, body.currentPassword, body.newPassword)
    return Status(204, None)


@router.get(
    "/teams",
    auth=BearerAuth(),
    response={200: shapes.MyTeamList, **errors(400, 401, 403)},
    summary="List my teams",
)
def list_my_teams(request):
    """Lists the teams the caller belongs to in this organization, inherited (allTeams) memberships included."""
    actor = request.auth
    return {
        "items": [shapes.my_team_data(*row) for row in teams.teams_of(actor.member)],
        "included": team_roles_included(actor.organization.id),
    }


# --- /users: account administration (§3.3.10-3.3.17) ----------------------------------------------


@admin_router.get(
    "",
    response={200: shapes.UserPage, **errors(400, 401, 403)},
    summary="List users",
    exclude_unset=True,
)
def list_users(request, query: Query[MarkerQuery]):
    """Lists the user accounts that are members of this organization, by email."""
    actor = request.auth
    actor.require("CanManageUsers")
    after = decode_marker(query.marker, {}) if query.marker else None
    found, more = accounts.list_users(actor.organization, query.limit, after)
    body: dict = {"items": [user_data(member.user, member) for member in found]}
    if more and found:
        body["marker"] = encode_marker([found[-1].sort_email, found[-1].id], {})
    return body


@admin_router.post(
    "",
    response={201: shapes.CreatedUser, **errors(400, 401, 403, 409, 422)},
    summary="Create a user",
)
def create_user(request, body: shapes.UserIn):
    """Creates an account with a password (a temporary one when none is given) as a managed member."""
    actor = request.auth
    actor.require("CanManageUsers")
    teams_in = [placement.model_dump(exclude_none=True) for placement in body.teams]
    member, temporary = accounts.create_user(
        actor.access,
        body.email,
        body.givenName,
        body.familyName,
        body.displayName,
        body.password,
        body.roleIds,
        teams_in,
    )
    data = {"user": user_data(member.user, member), "member": member_data(member), "temporaryPassword": temporary}
    return Status(201, data)


@admin_router.get(
    "/{user}",
    response={200: shapes.User, **errors(400, 401, 403, 404)},
    summary="Describe a user",
)
def describe_user(request, user: Id):
    """Shows one member's account: profile, status, MFA and last login."""
    actor = request.auth
    actor.require("CanManageUsers")
    member = accounts.user_in(actor.organization, user)
    return user_data(member.user, member)


@admin_router.patch(
    "/{user}",
    response={200: shapes.User, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a user",
)
def update_user(request, user: Id, body: shapes.UserPatch):
    """Edits a managed account's names, email or status; disabling it ends all its logins."""
    actor = request.auth
    actor.require("CanManageUsers")
    member = accounts.update_user(actor.access, accounts.user_in(actor.organization, user), body.changes())
    member.user.refresh_from_db()
    return user_data(member.user, member)


@admin_router.delete(
    "/{user}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Delete a user",
)
def delete_user(request, user: Id):
    """Deletes the account with its logins, memberships and team assignments."""
    actor = request.auth
    actor.require("CanManageUsers")
    accounts.delete_user(actor.access, accounts.user_in(actor.organization, user))
    return Status(204, None)


@admin_router.post(
    "/{user}/mfa/reset",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Reset user MFA",
)
def reset_user_mfa(request, user: Id):
    """Deletes the user's TOTP, recovery codes and trusted devices and ends every login; they enroll again."""
    actor = request.auth
    actor.require("CanManageUsers")
    accounts.reset_user_mfa(actor.access, accounts.user_in(actor.organization, user))
    return Status(204, None)


@admin_router.post(
    "/{user}/password/reset",
    response={200: shapes.TemporaryPassword, **errors(400, 401, 403, 404, 409)},
    summary="Reset user password",
)
def reset_user_password(request, user: Id):
    """Issues a temporary password that works for 72 hours and ends all the user's logins."""
    actor = request.auth
    actor.require("CanManageUsers")
    password, expires_at = accounts.reset_user_password(actor.access, accounts.user_in(actor.organization, user))
    return {"temporaryPassword": password, "expiresAt": expires_at}
