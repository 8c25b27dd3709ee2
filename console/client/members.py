"""members: the organization's member directory (contract §3.13)."""

from pydantic.alias_generators import to_camel

from console.client.base import Platform, parse
from console.client.models.members import MemberDetail, MemberPage
from console.client.paths import page_params, segment


def list_members(
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


def describe_member(platform: Platform, member_id: str) -> MemberDetail:
    """GET /org/members/{member}"""
    return parse(MemberDetail, platform.call("GET", f"/org/members/{segment(member_id)}"))


def update_member(platform: Platform, member_id: str, **changes) -> MemberDetail:
    """PATCH /org/members/{member}"""
    body = {to_camel(name): value for name, value in changes.items()}
    return parse(MemberDetail, platform.call("PATCH", f"/org/members/{segment(member_id)}", body=body))


def replace_member_roles(platform: Platform, member_id: str, role_ids: list[str]) -> None:
    """PUT /org/members/{member}/roles"""
    platform.call("PUT", f"/org/members/{segment(member_id)}/roles", body={"roleIds": list(role_ids)})


def remove_member(platform: Platform, member_id: str) -> None:
    """DELETE /org/members/{member}"""
    platform.call("DELETE", f"/org/members/{segment(member_id)}")
