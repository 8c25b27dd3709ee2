"""/org/teams (contract §3.10): the organization's teams and their members."""

from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.shapes import teams as shapes
from localplatform.api.shapes.common import Id, TeamSummary, errors, team_roles_included, team_summary_data
from localplatform.errors import invalid
from localplatform.identity.services import directory, teams

router = Router(tags=["teams"], auth=BearerAuth())


def summary(team) -> dict:
    return team_summary_data(team, teams.member_count(team))


@router.get(
    "/teams",
    response={200: shapes.TeamPage, **errors(400, 401, 403)},
    summary="List teams",
)
def list_teams(request, query: Query[shapes.TeamQuery]):
    """Lists the organization's teams with their member counts."""
    actor = request.auth
    actor.require("CanViewOrganization")
    descending = query.sortDirection == "desc"
    total, page = teams.list_teams(actor.organization, query.search, descending, query.page, query.limit)
    return {"total": total, "items": [team_summary_data(team, team.member_count) for team in page]}


@router.post(
    "/teams",
    response={201: TeamSummary, **errors(400, 401, 403, 409, 422)},
    summary="Create a team",
)
def create_team(request, body: shapes.TeamCreate):
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
    response={200: TeamSummary, **errors(400, 401, 403, 404)},
    summary="Describe a team",
)
def describe_team(request, team: Id):
    """Shows one team's name, description, default role and member count."""
    actor = request.auth
    actor.require("CanViewOrganization")
    return summary(teams.get_team(actor.organization, team))


@router.patch(
    "/teams/{team}",
    response={200: TeamSummary, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a team",
)
def update_team(request, team: Id, body: shapes.TeamPatch):
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
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Delete a team",
)
def delete_team(request, team: Id):
    """Deletes a team and every membership in it."""
    actor = request.auth
    found = teams.get_team(actor.organization, team)
    teams.require_in_team(actor.access, "CanManageTeams", found)
    teams.delete_team(found, actor.member)
    return Status(204, None)


@router.get(
    "/teams/{team}/members",
    response={200: shapes.TeamMemberPage, **errors(400, 401, 403, 404)},
    summary="List team members",
)
def list_team_members(request, team: Id, query: Query[shapes.TeamMemberQuery]):
    """Lists a team's members and their team roles, inherited Team Admins included."""
    actor = request.auth
    actor.require("CanViewOrganization")
    found = teams.get_team(actor.organization, team)
    descending = query.sortDirection == "desc"
    total, page, memberships = teams.list_team_members(found, query.sortBy, descending, query.page, query.limit)
    admin_id = directory.role("team_admin").id
    return {
        "total": total,
        "items": [shapes.team_member_data(member, memberships.get(member.id), admin_id) for member in page],
        "included": team_roles_included(actor.organization.id),
    }


def team_and_member(request, team_id: str, member_id: str, *, self_allowed: bool = False):
    """The team (404), the right to manage its members (403; optionally waived for oneself), then the member (404)."""
    actor = request.auth
    team = teams.get_team(actor.organization, team_id)
    if not (self_allowed and actor.member.id == member_id):
        teams.require_in_team(actor.access, "CanManageUsers", team)
    return team, directory.member_in(actor.organization, member_id)


@router.put(
    "/teams/{team}/members/{member}",
    response={201: shapes.TeamMember, **errors(400, 401, 403, 404, 409, 422)},
    summary="Add a team member",
)
def add_team_member(request, team: Id, member: Id, body: shapes.TeamMemberAdd):
    """Adds an existing active organization member to the team, with the given roles or the team's default."""
    found, person = team_and_member(request, team, member)
    membership = teams.add_member(found, person, teams.team_roles(body.roleIds), by=request.auth.member)
    return Status(201, shapes.team_member_data(person, membership, directory.role("team_admin").id))


@router.delete(
    "/teams/{team}/members/{member}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Remove a team member",
)
def remove_team_member(request, team: Id, member: Id):
    """Takes a member off the team; they stay in the organization. A member may always remove themselves."""
    found, person = team_and_member(request, team, member, self_allowed=True)
    teams.remove_member(found, person, by=request.auth.member)
    return Status(204, None)


@router.put(
    "/teams/{team}/members/{member}/roles",
    response={204: None, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update team member roles",
)
def replace_team_member_roles(request, team: Id, member: Id, body: shapes.TeamMemberRoles):
    """Replaces all of the member's roles in this team."""
    found, person = team_and_member(request, team, member)
    teams.replace_roles(found, person, teams.team_roles(body.roleIds))
    return Status(204, None)
