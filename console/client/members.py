"""members: the organization's member directory (contract §3.13)."""

from console.client.base import Platform, parse
from console.client.models import MemberPage
from console.client.paths import page_params


def search_members(
    platform: Platform,
    *,
    page: int = 1,
    limit: int = 100,
    sort_by: str = "name",
    sort_direction: str = "asc",
    search: str | None = None,
    role_id: str | None = None,
    team_id: str | None = None,
    account_type: str | None = None,
    status: str | None = None,
) -> MemberPage:
    """GET /org/members"""
    filters = {
        "filter[search]": search,
        "filter[roleId]": role_id,
        "filter[teamId]": team_id,
        "filter[accountType]": account_type,
        "filter[status]": status,
    }
    params = page_params(page, limit, sort_by, sort_direction, **filters)
    return parse(MemberPage, platform.call("GET", "/org/members", params=params))
