"""Wire shapes of member administration and invitations (contract §2.1 MemberDetail, Invitation, InvitationPublic)."""

from typing import Literal

from django.db.models import Count
from django.db.models.functions import Lower
from ninja import Schema

from localplatform.api.schemas import Id, Page, Timestamp
from localplatform.api.shapes import (
    Member,
    Organization,
    Role,
    TeamSummary,
    User,
    audit_data,
    member_data,
    role_data,
    team_summary_data,
)
from localplatform.identity import models

InvitationStatus = Literal["pending", "accepted", "cancelled", "expired"]


class TeamMembership(Schema):
    teamId: Id
    roleIds: list[Id]
    inherited: bool


class MemberDetailIncluded(Schema):
    roles: list[Role]
    teamRoles: list[Role]
    teams: list[TeamSummary]


class MemberDetail(Schema):
    member: Member
    roleIds: list[Id]
    teamMemberships: list[TeamMembership]
    included: MemberDetailIncluded


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


def catalogue(scope: str, organization_id: str) -> list[dict]:
    """The whole fixed role catalogue of one scope (§1.9)."""
    return [role_data(role, organization_id) for role in models.Role.objects.filter(scope=scope)]


def team_summaries(team_ids) -> list[dict]:
    """TeamSummary of each team, by name; a fixed number of queries."""
    teams = (
        models.Team.objects.filter(id__in=set(team_ids))
        .annotate(member_count=Count("memberships"))
        .order_by(Lower("name"), "id")
    )
    return [team_summary_data(team, team.member_count) for team in teams]


def member_detail_data(member: models.Member) -> dict:
    """MemberDetail: org roles, one team membership per team (explicit wins over inherited)."""
    organization_id = member.organization_id
    roles = list(member.roles.all())
    memberships = {
        m.team_id: {"teamId": m.team_id, "roleIds": [r.id for r in m.roles.all()], "inherited": False}
        for m in models.TeamMember.objects.filter(member=member).prefetch_related("roles")
    }
    if any(role.all_teams for role in roles):
        team_admin = models.Role.objects.get(key="team_admin").id
        for team_id in models.Team.objects.filter(organization_id=organization_id).values_list("id", flat=True):
            memberships.setdefault(team_id, {"teamId": team_id, "roleIds": [team_admin], "inherited": True})
    teams = team_summaries(memberships)
    return {
        "member": member_data(member),
        "roleIds": [role.id for role in sorted(roles, key=lambda r: r.position)],
        "teamMemberships": [memberships[t["team"]["id"]] for t in teams],
        "included": {
            "roles": catalogue(models.Role.ORGANIZATION, organization_id),
            "teamRoles": catalogue(models.Role.TEAM, organization_id),
            "teams": teams,
        },
    }


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
