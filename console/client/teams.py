"""teams: the organization's teams (contract §3.10)."""

from console.client.base import Platform, parse
from console.client.models import Page, TeamSummary
from console.client.paths import page_params


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
