"""Invitations (contract §3.12): /org/invitations for admins, /invitations/{token} for the invitee."""

from typing import Annotated, Literal

from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field, StringConstraints, field_validator

from localplatform.api import member_shapes, shapes
from localplatform.api.auth import NONE, BearerAuth
from localplatform.api.pagination import PageQuery, page_slice
from localplatform.api.schemas import Id, Input
from localplatform.errors import not_found
from localplatform.identity.models import Invitation, Member, Role
from localplatform.identity.services import invitations as service

org_router = Router(tags=["invitations"], auth=BearerAuth())
public_router = Router(tags=["invitations"])

Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=254)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
RoleIds = Annotated[list[Id], Field(min_length=1, max_length=10)]


def unique_ids(value: list[str] | None) -> list[str] | None:
    if value is not None and len(set(value)) != len(value):
        raise ValueError("duplicate ids")
    return value


class TeamPlacementIn(Input):
    teamId: Id
    roleIds: RoleIds | None = None

    _unique = field_validator("roleIds")(unique_ids)


class InvitationIn(Input):
    email: Email
    roleIds: RoleIds | None = None
    teams: Annotated[list[TeamPlacementIn], Field(max_length=20)] = []
    accountType: Literal["managed", "external"] = "managed"
    message: Annotated[str, StringConstraints(max_length=1023)] | None = None

    _unique = field_validator("roleIds")(unique_ids)

    @field_validator("email")
    @classmethod
    def looks_like_email(cls, value: str) -> str:
        local, _, domain = value.partition("@")
        if not local or not domain or " " in value:
            raise ValueError("not an email address")
        return value


class InvitationQuery(PageQuery):
    status: Literal["pending", "accepted", "cancelled", "expired"] = "pending"


class AcceptIn(Input):
    password: Annotated[str, StringConstraints(min_length=12, max_length=128)] | None = None
    givenName: Name | None = None
    familyName: Name | None = None
    displayName: Name | None = None


def console_origin(request) -> str:
    """The origin of the request that causes a mail: the console's, in embedded mode (§7)."""
    return request.build_absolute_uri("/").rstrip("/")


def invitation_in_org(request, invitation_id: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(organization=request.auth.organization, id=invitation_id)
        .first()
    )
    if invitation is None:
        raise not_found("invitation")
    return invitation


@org_router.post(
    "/invitations",
    response={201: member_shapes.Invitation, **shapes.errors(400, 401, 403, 409, 422)},
    summary="Create an invitation",
)
def invitation_create(request, body: InvitationIn):
    """Invites an email address to join the organization, with preset roles and team placements."""
    actor = request.auth
    actor.require("CanManageUsers")
    organization = actor.organization
    if body.roleIds and set(body.roleIds) != {organization.default_role_id}:
        actor.require("CanAssignRoles")
    invitation = service.create_invitation(
        actor.member,
        body.email,
        body.roleIds,
        [placement.model_dump() for placement in body.teams],
        body.accountType,
        body.message,
        console_origin(request),
    )
    return Status(201, member_shapes.invitation_data(invitation))


@org_router.get(
    "/invitations",
    response={200: member_shapes.InvitationPage, **shapes.errors(400, 401, 403)},
    summary="List pending invitations",
)
def invitation_list(request, query: Query[InvitationQuery]):
    """Lists the organization's invitations, newest first; by default only pending ones."""
    actor = request.auth
    actor.require("CanManageUsers")
    now = timezone.now()
    invitations = service.with_status(Invitation.objects.filter(organization=actor.organization), query.status, now)
    total, page = page_slice(invitations.order_by("-created_at", "id"), query)
    member_ids = {i.invited_by for i in page} | {i.accepted_by for i in page if i.accepted_by}
    members = Member.objects.filter(organization=actor.organization, id__in=member_ids).select_related("user")
    organization_id = actor.organization.id
    return {
        "total": total,
        "items": [member_shapes.invitation_data(i, now) for i in page],
        "included": {
            "members": [shapes.member_data(m) for m in members.order_by("sort_name", "id")],
            "roles": member_shapes.catalogue(Role.ORGANIZATION, organization_id),
            "teamRoles": member_shapes.catalogue(Role.TEAM, organization_id),
            "teams": member_shapes.team_summaries({p["teamId"] for i in page for p in i.teams}),
        },
    }


@org_router.delete(
    "/invitations/{invitation}",
    response={204: None, **shapes.errors(400, 401, 403, 404, 409)},
    summary="Cancel an invitation",
)
def invitation_cancel(request, invitation: Id):
    """Withdraws a pending invitation; the record stays as cancelled."""
    actor = request.auth
    actor.require("CanManageUsers")
    service.cancel_invitation(invitation_in_org(request, invitation), actor.member)
    return Status(204, None)


@org_router.post(
    "/invitations/{invitation}/resend",
    response={200: member_shapes.Invitation, **shapes.errors(400, 401, 403, 404, 409)},
    summary="Resend an invitation",
)
def invitation_resend(request, invitation: Id):
    """Mails the invitation again with a fresh token and expiry; the previous token stops working."""
    actor = request.auth
    actor.require("CanManageUsers")
    resent = service.resend_invitation(invitation_in_org(request, invitation), actor.member, console_origin(request))
    return member_shapes.invitation_data(resent)


@public_router.get(
    "/{token}",
    response={200: member_shapes.InvitationPublic, **shapes.errors(400, 404)},
    summary="Describe an invitation",
)
def invitation_show(request, token: str):
    """Public preview of an invitation; accountExists tells sign-up from log-in."""
    invitation = service.by_token(token)
    inviter = Member.objects.select_related("user").filter(pk=invitation.invited_by).first()
    return {
        "id": invitation.id,
        "email": invitation.email,
        "organization": shapes.organization_data(invitation.organization),
        "invitedBy": {"displayName": inviter.user.display_name if inviter else "A former member"},
        "status": invitation.effective_status(),
        "expiresAt": invitation.expires_at,
        "accountExists": service.account_exists(invitation.email),
    }


@public_router.post(
    "/{token}/accept",
    response={200: member_shapes.Accepted, **shapes.errors(400, 401, 403, 404, 409, 422)},
    summary="Accept an invitation",
)
def invitation_accept(request, token: str, body: AcceptIn):
    """Turns the invitation into a membership: as the signed-in invitee, or creating their account."""
    user = None
    if request.headers.get("Authorization", "").strip():
        user = BearerAuth(org=NONE)(request).user  # a token sent here is validated (§1.4); sign-up fields are ignored
    member, user = service.accept_invitation(token, user, None if user else body.model_dump(exclude_unset=True))
    member = Member.objects.select_related("user", "organization").get(pk=member.pk)
    return {
        "member": shapes.member_data(member),
        "organization": shapes.organization_data(member.organization),
        "user": shapes.user_data(user, member),
    }
