"""/org/teams: the organization's teams and their members (contract §3.10)."""

from typing import Annotated, Literal

from django.db.models import Q
from django.db.models.functions import Lower
from ninja import Query, Router, Status
from pydantic import Field, StringConstraints, field_validator

from localplatform.api import shapes, team_shapes
from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import PageQuery, page_slice
from localplatform.api.schemas import Id, Input
from localplatform.errors import invalid, not_found
from localplatform.identity.models import Member
from localplatform.identity.services import directory, teams

router = Router(tags=["teams"], auth=BearerAuth())

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Description = Annotated[str, StringConstraints(max_length=1023)]


class TeamQuery(PageQuery):
    search: str = ""
    sortBy: Literal["name", "email"] = "name"  # teams have no email: "email" sorts by name (docs)


class TeamMemberQuery(PageQuery):
    sortBy: Literal["name", "email"] = "name"


class TeamCreate(Input):
    name: Name
    description: Description | None = None
    defaultRoleId: Id | None = None
    organizationId: Id | None = None


class TeamPatch(Input):
    name: Name | None = None
    description: Description | None = None
    defaultRoleId: Id | None = None

    @field_validator("name", "defaultRoleId", mode="before")
    @classmethod
    def not_null(cls, value):
        # A team always has a name and a default role: only `description` may be cleared with null (§1.5).
        if value is None:
            raise ValueError("must not be null")
        return value


class TeamMemberAdd(Input):
    roleIds: list[Id] = Field(default_factory=list, max_length=10)


class TeamMemberRoles(Input):
    roleIds: list[Id] = Field(min_length=1, max_length=10)


def summary(team) -> dict:
    return shapes.team_summary_data(team, teams.member_count(team))


@router.get(
    "/teams",
    response={200: shapes.TeamPage, **shapes.errors(400, 401, 403)},
    summary="List teams",
)
def team_list(request, query: Query[TeamQuery]):
    """Lists the organization's teams with their member counts."""
    actor = request.auth
    actor.require("CanViewOrganization")
    found = teams.with_member_count(actor.organization)
    if query.search:
        found = found.filter(Q(name__icontains=query.search) | Q(description__icontains=query.search))
    name = Lower("name")
    found = found.order_by(name.desc() if query.sortDirection == "desc" else name.asc(), "id")
    total, page = page_slice(found, query)
    return {"total": total, "items": [shapes.team_summary_data(team, team.member_count) for team in page]}


@router.post(
    "/teams",
    response={201: shapes.TeamSummary, **shapes.errors(400, 401, 403, 409, 422)},
    summary="Create a team",
)
def team_create(request, body: TeamCreate):
    """Creates a team; the creator joins it as Team Admin."""
    actor = request.auth
    actor.require("CanManageTeams")
    if body.organizationId is not None and body.organizationId != actor.organization.id:
        raise invalid({"organizationId": "must be the organization in context"})
    role = teams.default_role(body.defaultRoleId) if body.defaultRoleId else None
    team = teams.create_team(actor.organization, body.name, actor.member, body.description, role)
    return Status(201, summary(team))


@router.get(
    "/teams/{team}",
    response={200: shapes.TeamSummary, **shapes.errors(400, 401, 403, 404)},
    summary="Describe a team",
)
def team_detail(request, team: Id):
    """Shows one team's name, description, default role and member count."""
    actor = request.auth
    actor.require("CanViewOrganization")
    return summary(teams.get_team(actor.organization, team))


@router.patch(
    "/teams/{team}",
    response={200: shapes.TeamSummary, **shapes.errors(400, 401, 403, 404, 409, 422)},
    summary="Update a team",
)
def team_update(request, team: Id, body: TeamPatch):
    """Changes a team's name, description or default role."""
    actor = request.auth
    found = teams.get_team(actor.organization, team)
    teams.require_in_team(actor.access, "CanManageTeams", found)
    changes = body.model_dump(exclude_unset=True)
    if "defaultRoleId" in changes:
        changes["default_role"] = teams.default_role(changes.pop("defaultRoleId"))
    return summary(teams.update_team(found, actor.member, changes))


@router.delete(
    "/teams/{team}",
    response={204: None, **shapes.errors(400, 401, 403, 404)},
    summary="Delete a team",
)
def team_delete(request, team: Id):
    """Deletes a team and every membership in it."""
    actor = request.auth
    found = teams.get_team(actor.organization, team)
    teams.require_in_team(actor.access, "CanManageTeams", found)
    teams.delete_team(found, actor.member)
    return Status(204, None)


@router.get(
    "/teams/{team}/members",
    response={200: team_shapes.TeamMemberPage, **shapes.errors(400, 401, 403, 404)},
    summary="List team members",
)
def team_member_list(request, team: Id, query: Query[TeamMemberQuery]):
    """Lists a team's members and their team roles, inherited Team Admins included."""
    actor = request.auth
    actor.require("CanViewOrganization")
    found = teams.get_team(actor.organization, team)
    field = "sort_email" if query.sortBy == "email" else "sort_name"
    members = teams.members_of(found).order_by(f"-{field}" if query.sortDirection == "desc" else field, "id")
    total, page = page_slice(members.select_related("user"), query)
    ids = [member.id for member in page]
    memberships = teams.memberships_of(found, ids)
    admin_id = directory.role("team_admin").id
    return {
        "total": total,
        "items": [team_shapes.team_member_data(member, memberships.get(member.id), admin_id) for member in page],
        "included": team_shapes.team_roles_included(actor.organization.id),
    }


def team_and_member(request, team_id: str, member_id: str, *, self_allowed: bool = False):
    """The team (404), the right to manage its members (403; optionally waived for oneself), then the member (404)."""
    actor = request.auth
    team = teams.get_team(actor.organization, team_id)
    if not (self_allowed and actor.member.id == member_id):
        teams.require_in_team(actor.access, "CanManageUsers", team)
    member = Member.objects.filter(organization=actor.organization, id=member_id).select_related("user").first()
    if member is None:
        raise not_found("member")
    return team, member


@router.put(
    "/teams/{team}/members/{member}",
    response={201: team_shapes.TeamMember, **shapes.errors(400, 401, 403, 404, 409, 422)},
    summary="Add a team member",
)
def team_member_add(request, team: Id, member: Id, body: TeamMemberAdd):
    """Adds an existing active organization member to the team, with the given roles or the team's default."""
    found, person = team_and_member(request, team, member)
    roles = teams.team_roles(body.roleIds)
    membership = teams.add_member(found, person, roles, by=request.auth.member)
    return Status(201, team_shapes.team_member_data(person, membership, directory.role("team_admin").id))


@router.delete(
    "/teams/{team}/members/{member}",
    response={204: None, **shapes.errors(400, 401, 403, 404, 409)},
    summary="Remove a team member",
)
def team_member_remove(request, team: Id, member: Id):
    """Takes a member off the team; they stay in the organization. A member may always remove themselves."""
    found, person = team_and_member(request, team, member, self_allowed=True)
    teams.remove_member(found, person, by=request.auth.member)
    return Status(204, None)


@router.put(
    "/teams/{team}/members/{member}/roles",
    response={204: None, **shapes.errors(400, 401, 403, 404, 409, 422)},
    summary="Update team member roles",
)
def team_member_roles(request, team: Id, member: Id, body: TeamMemberRoles):
    """Replaces all of the member's roles in this team."""
    found, person = team_and_member(request, team, member)
    teams.replace_roles(found, person, teams.team_roles(body.roleIds))
    return Status(204, None)
