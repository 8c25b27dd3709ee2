"""Wire shapes of team memberships (contract §2.1 TeamMember, MyTeam) and the functions that build them."""

from ninja import Schema

from localplatform.api import shapes
from localplatform.api.schemas import Id, Page, Timestamp
from localplatform.identity import models


class TeamRolesIncluded(Schema):
    teamRoles: list[shapes.Role]


class TeamMember(Schema):
    member: shapes.Member
    roleIds: list[Id]
    inherited: bool
    addedAt: Timestamp | None


class TeamMemberPage(Page[TeamMember]):
    included: TeamRolesIncluded


class MyTeam(shapes.TeamSummary):
    roleIds: list[Id]
    inherited: bool


class MyTeamList(Schema):
    items: list[MyTeam]
    included: TeamRolesIncluded


def team_roles_included(organization_id: str) -> dict:
    """`included.teamRoles`: the whole fixed team-role catalogue (§1.9)."""
    roles = models.Role.objects.filter(scope=models.Role.TEAM)
    return {"teamRoles": [shapes.role_data(role, organization_id) for role in roles]}


def team_member_data(member: models.Member, membership: models.TeamMember | None, admin_role_id: str) -> dict:
    """TeamMember: the explicit membership when there is one, else the inherited Team Admin row."""
    if membership is None:
        return {"member": shapes.member_data(member), "roleIds": [admin_role_id], "inherited": True, "addedAt": None}
    role_ids = [role.id for role in sorted(membership.roles.all(), key=lambda role: role.position)]
    return {
        "member": shapes.member_data(member),
        "roleIds": role_ids,
        "inherited": False,
        "addedAt": membership.added_at,
    }
