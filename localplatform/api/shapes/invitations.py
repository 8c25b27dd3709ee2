"""Wire shapes of invitations (contract §3.12): /org/invitations for admins, /invitations/{token} for the invitee."""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints, field_validator

from localplatform.api.pagination import PageQuery
from localplatform.api.shapes.common import (
    Id,
    Input,
    Member,
    Name,
    Organization,
    Page,
    Role,
    TeamSummary,
    Timestamp,
    User,
    audit_data,
    catalogue,
    member_data,
    organization_data,
    team_summaries,
    user_data,
)
from localplatform.identity import models

InvitationStatus = Literal["pending", "accepted", "cancelled", "expired"]

# --- Requests -------------------------------------------------------------------------------------

InviteeEmail = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=3, max_length=254)]
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
    email: InviteeEmail
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
    status: InvitationStatus = "pending"


class AcceptIn(Input):
    password: Annotated[str, StringConstraints(min_length=12, max_length=128)] | None = None
    givenName: Name | None = None
    familyName: Name | None = None
    displayName: Name | None = None


# --- Responses ------------------------------------------------------------------------------------


class InvitationTeam(Schema):
    teamId: Id
    roleIds: list[Id]


class Invitation(Schema):
    id: Id
    organizationId: Id
    email: str
    roleIds: list[Id]
    teams: list[InvitationTeam]
    accountType: Literal["managed", "external"]
    status: InvitationStatus
    message: str | None
    expiresAt: Timestamp
    invitedBy: Id
    acceptedAt: Timestamp | None
    acceptedBy: Id | None
    createdAt: Timestamp
    createdBy: Id | None
    updatedAt: Timestamp
    updatedBy: Id | None


class InvitationIncluded(Schema):
    members: list[Member]
    roles: list[Role]
    teamRoles: list[Role]
    teams: list[TeamSummary]


class InvitationPage(Page[Invitation]):
    included: InvitationIncluded


class Inviter(Schema):
    displayName: str


class InvitationPublic(Schema):
    id: Id
    email: str
    organization: Organization
    invitedBy: Inviter
    status: InvitationStatus
    expiresAt: Timestamp
    accountExists: bool


class Accepted(Schema):
    member: Member
    organization: Organization
    user: User


# --- Model -> wire ---------------------------------------------------------------------------------


def invitation_data(invitation: models.Invitation, now=None) -> dict:
    """Invitation, with its computed status."""
    return {
        "id": invitation.id,
        "organizationId": invitation.organization_id,
        "email": invitation.email,
        "roleIds": list(invitation.role_ids),
        "teams": [{"teamId": p["teamId"], "roleIds": list(p["roleIds"])} for p in invitation.teams],
        "accountType": invitation.account_type,
        "status": invitation.effective_status(now),
        "message": invitation.message,
        "expiresAt": invitation.expires_at,
        "invitedBy": invitation.invited_by,
        "acceptedAt": invitation.accepted_at,
        "acceptedBy": invitation.accepted_by,
        **audit_data(invitation),
    }


def invitation_page_data(
    total: int, invitations: list[models.Invitation], members: list[models.Member], organization_id: str, now
) -> dict:
    """InvitationPage: the invitations with the members who sent or accepted them, the catalogues and the teams."""
    return {
        "total": total,
        "items": [invitation_data(i, now) for i in invitations],
        "included": {
            "members": [member_data(m) for m in members],
            "roles": catalogue(models.Role.ORGANIZATION, organization_id),
            "teamRoles": catalogue(models.Role.TEAM, organization_id),
            "teams": team_summaries({p["teamId"] for i in invitations for p in i.teams}),
        },
    }


def invitation_public_data(invitation: models.Invitation, inviter: models.Member | None, account_exists: bool) -> dict:
    """InvitationPublic: what the invitee may see before signing in."""
    return {
        "id": invitation.id,
        "email": invitation.email,
        "organization": organization_data(invitation.organization),
        "invitedBy": {"displayName": inviter.user.display_name if inviter else "A former member"},
        "status": invitation.effective_status(),
        "expiresAt": invitation.expires_at,
        "accountExists": account_exists,
    }


def accepted_data(member: models.Member, user: models.User) -> dict:
    """Accepted: the new membership, its organization and the (maybe new) user."""
    return {
        "member": member_data(member),
        "organization": organization_data(member.organization),
        "user": user_data(user, member),
    }
