"""teams: the organization's teams and their members (contract §3.10). The caller's own teams: me.list_my_teams."""

from console.client.base import Platform, parse
from console.client.models.common import Page, TeamSummary
from console.client.models.teams import TeamMember, TeamMemberPage
from console.client.paths import page_params, segment

UNSET = object()  # "leave unchanged" for PATCH fields that may also be cleared with None


def list_teams(
    platform: Platform,
    *,
    page: int = 1,
    limit: int = 100,
    sort_by: str = "name",
    sort_direction: str = "asc",
    search: str | None = None,
) -> Page[TeamSummary]:
    """GET /org/teams"""
    params = page_params(page, limit, sort_by, sort_direction, search=search)
    return parse(Page[TeamSummary], platform.call("GET", "/org/teams", params=params))


def create_team(
    platform: Platform, *, name: str, description: str | None = None, default_role_id: str | None = None
) -> TeamSummary:
    """POST /org/teams"""
    body: dict = {"name": name, "description": description or None}
    if default_role_id:
        body["defaultRoleId"] = default_role_id
    return parse(TeamSummary, platform.call("POST", "/org/teams", body=body))


def describe_team(platform: Platform, team_id: str) -> TeamSummary:
    """GET /org/teams/{team}"""
    return parse(TeamSummary, platform.call("GET", f"/org/teams/{segment(team_id)}"))


def update_team(
    platform: Platform, team_id: str, *, name=UNSET, description=UNSET, default_role_id=UNSET
) -> TeamSummary:
    """PATCH /org/teams/{team}"""
    changes = {"name": name, "description": description, "defaultRoleId": default_role_id}
    body = {key: value for key, value in changes.items() if value is not UNSET}
    return parse(TeamSummary, platform.call("PATCH", f"/org/teams/{segment(team_id)}", body=body))


def delete_team(platform: Platform, team_id: str) -> None:
    """DELETE /org/teams/{team}"""
    platform.call("DELETE", f"/org/teams/{segment(team_id)}")


def list_team_members(
    platform: Platform,
    team_id: str,
    *,
    page: int = 1,
    limit: int = 100,
    sort_by: str = "name",
    sort_direction: str = "asc",
) -> TeamMemberPage:
    """GET /org/teams/{team}/members"""
    params = page_params(page, limit, sort_by, sort_direction)
    return parse(TeamMemberPage, platform.call("GET", f"/org/teams/{segment(team_id)}/members", params=params))


def add_team_member(platform: Platform, team_id: str, member_id: str, role_ids: list[str] | None = None) -> TeamMember:
    """PUT /org/teams/{team}/members/{member}"""
    path = f"/org/teams/{segment(team_id)}/members/{segment(member_id)}"
    return parse(TeamMember, platform.call("PUT", path, body={"roleIds": list(role_ids or [])}))


def remove_team_member(platform: Platform, team_id: str, member_id: str) -> None:
    """DELETE /org/teams/{team}/members/{member}"""
    platform.call("DELETE", f"/org/teams/{segment(team_id)}/members/{segment(member_id)}")


def replace_team_member_roles(platform: Platform, team_id: str, member_id: str, role_ids: list[str]) -> None:
    """PUT /org/teams/{team}/members/{member}/roles"""
    path = f"/org/teams/{segment(team_id)}/members/{segment(member_id)}/roles"
    platform.call("PUT", path, body={"roleIds": list(role_ids)})
