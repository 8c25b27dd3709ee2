"""Invitations (contract §3.12): /org/invitations for admins, /invitations/{token} for the invitee."""

from django.utils import timezone
from ninja import Query, Router, Status

from localplatform.api.auth import NONE, BearerAuth
from localplatform.api.shapes import invitations as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.identity.services import invitations

org_router = Router(tags=["invitations"], auth=BearerAuth())
public_router = Router(tags=["invitations"])


def console_origin(request) -> str:
    """The origin of the request that causes a mail: the console's, in embedded mode (§7)."""
    return request.build_absolute_uri("/").rstrip("/")


@org_router.post(
    "/invitations",
    response={201: shapes.Invitation, **errors(400, 401, 403, 409, 422)},
    summary="Create an invitation",
)
def create_invitation(request, body: shapes.InvitationIn):
    """Invites an email address to join the organization, with preset roles and team placements."""
    actor = request.auth
    actor.require("CanManageUsers")
    if body.roleIds and set(body.roleIds) != {actor.organization.default_role_id}:
        actor.require("CanAssignRoles")
    invitation = invitations.create_invitation(
        actor.member,
        body.email,
        body.roleIds,
        [placement.model_dump() for placement in body.teams],
        body.accountType,
        body.message,
        console_origin(request),
    )
    return Status(201, shapes.invitation_data(invitation))


@org_router.get(
    "/invitations",
    response={200: shapes.InvitationPage, **errors(400, 401, 403)},
    summary="List pending invitations",
)
def list_invitations(request, query: Query[shapes.InvitationQuery]):
    """Lists the organization's invitations, newest first; by default only pending ones."""
    actor = request.auth
    actor.require("CanManageUsers")
    now = timezone.now()
    total, found, people = invitations.list_invitations(actor.organization, query.status, query.page, query.limit, now)
    return shapes.invitation_page_data(total, found, people, actor.organization.id, now)


@org_router.delete(
    "/invitations/{invitation}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Cancel an invitation",
)
def cancel_invitation(request, invitation: Id):
    """Withdraws a pending invitation; the record stays as cancelled."""
    actor = request.auth
    actor.require("CanManageUsers")
    invitations.cancel_invitation(invitations.invitation_in(actor.organization, invitation), actor.member)
    return Status(204, None)


@org_router.post(
    "/invitations/{invitation}/resend",
    response={200: shapes.Invitation, **errors(400, 401, 403, 404, 409)},
    summary="Resend an invitation",
)
def resend_invitation(request, invitation: Id):
    """Mails the invitation again with a fresh token and expiry; the previous token stops working."""
    actor = request.auth
    actor.require("CanManageUsers")
    found = invitations.invitation_in(actor.organization, invitation)
    return shapes.invitation_data(invitations.resend_invitation(found, actor.member, console_origin(request)))


@public_router.get(
    "/{token}",
    response={200: shapes.InvitationPublic, **errors(400, 404)},
    summary="Describe an invitation",
)
def describe_invitation(request, token: str):
    """Public preview of an invitation; accountExists tells sign-up from log-in."""
    invitation = invitations.by_token(token)
    return shapes.invitation_public_data(
        invitation, invitations.inviter_of(invitation), invitations.account_exists(invitation.email)
    )


@public_router.post(
    "/{token}/accept",
    response={200: shapes.Accepted, **errors(400, 401, 403, 404, 409, 422)},
    summary="Accept an invitation",
)
def accept_invitation(request, token: str, body: shapes.AcceptIn):
    """Turns the invitation into a membership: as the signed-in invitee, or creating their account."""
    user = None
    if request.headers.get("Authorization", "").strip():
        user = BearerAuth(org=NONE)(request).user  # a token sent here is validated (§1.4); sign-up fields are ignored
    signup = None if user else body.model_dump(exclude_unset=True)
    member, user = invitations.accept_invitation(token, user, signup)
    return shapes.accepted_data(member, user)
