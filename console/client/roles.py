"""roles: the fixed organization and team role catalogues (contract §3.11)."""

from console.client.base import Platform, parse
from console.client.models.common import Page
from console.client.models.roles import RoleDetail, RoleSummary
from console.client.paths import page_params, segment


def list_roles(
    platform: Platform,
    *,
    page: int = 1,
    limit: int = 100,
    sort_by: str = "name",
    sort_direction: str = "asc",
    search: str | None = None,
) -> Page[RoleSummary]:
    """GET /org/roles"""
    params = page_params(page, limit, sort_by, sort_direction, search=search)
    return parse(Page[RoleSummary], platform.call("GET", "/org/roles", params=params))


def describe_role(platform: Platform, role_id: str) -> RoleDetail:
    """GET /org/roles/{role}"""
    return parse(RoleDetail, platform.call("GET", f"/org/roles/{segment(role_id)}"))


def list_team_roles(
    platform: Platform,
    *,
    page: int = 1,
    limit: int = 100,
    sort_by: str = "name",
    sort_direction: str = "asc",
    search: str | None = None,
) -> Page[RoleSummary]:
    """GET /org/team-roles"""
    params = page_params(page, limit, sort_by, sort_direction, search=search)
    return parse(Page[RoleSummary], platform.call("GET", "/org/team-roles", params=params))


def describe_team_role(platform: Platform, role_id: str) -> RoleDetail:
    """GET /org/team-roles/{role}"""
    return parse(RoleDetail, platform.call("GET", f"/org/team-roles/{segment(role_id)}"))
