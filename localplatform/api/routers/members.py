"""/org/members: the member directory (contract §3.13)."""

from typing import Literal

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from ninja import Query, Router
from pydantic import Field, field_validator

from localplatform.api import shapes
from localplatform.api.auth import BearerAuth
from localplatform.api.errors import ApiError
from localplatform.api.pagination import PageQuery, page_slice
from localplatform.api.schemas import Id
from localplatform.identity.models import Member, Organization, Role, Team, TeamMember

router = Router(tags=["members"], auth=BearerAuth())

FILTER_KEYS = ("filter[search]", "filter[roleId]", "filter[teamId]", "filter[accountType]", "filter[status]")


class MemberQuery(PageQuery):
    """Paging, sort, and the deepObject filter of §1.7 (`filter[search]=ann&filter[status]=active`)."""

    sortBy: Literal["name", "email"] = "name"
    search: str | None = Field(None, alias="filter[search]")
    roleId: Id | None = Field(None, alias="filter[roleId]")
    teamId: Id | None = Field(None, alias="filter[teamId]")
    accountType: Literal["managed", "external"] | None = Field(None, alias="filter[accountType]")
    status: Literal["active", "deactivated"] | None = Field(None, alias="filter[status]")

    @field_validator("search", "roleId", "teamId", "accountType", "status", mode="before")
    @classmethod
    def empty_is_absent(cls, value):
        # `filter[status]=` (an "All" choice in a form) means no filter, not an invalid value.
        return value or None


@router.get(
    "/members",
    response={200: shapes.MemberPage, **shapes.errors(400, 401, 403)},
    summary="Search members",
)
def member_search(request, query: Query[MemberQuery]):
    """Filters and pages through the member directory, with each member's role and team assignments."""
    actor = request.auth
    actor.require("CanViewOrganization")
    for key in FILTER_KEYS:
        if len(request.GET.getlist(key)) > 1:
            raise ApiError("invalid_request", f"{key} is given more than once.")
    members = filtered_members(actor.organization, query)
    field = "sort_email" if query.sortBy == "email" else "sort_name"
    members = members.order_by(f"-{field}" if query.sortDirection == "desc" else field, "id")
    total, page = page_slice(members.select_related("user"), query)
    role_ids, team_ids, teams = assignments([member.id for member in page])
    organization_id = actor.organization.id
    return {
        "total": total,
        "items": [
            {"memberId": member.id, "roleIds": role_ids[member.id], "teamIds": team_ids[member.id]} for member in page
        ],
        "included": {
            "members": [shapes.member_data(member) for member in page],
            "roles": [shapes.role_data(role, organization_id) for role in Role.objects.filter(scope=Role.ORGANIZATION)],
            "teams": [shapes.team_summary_data(team, team.member_count) for team in teams],
        },
    }


def filtered_members(organization: Organization, query: MemberQuery) -> QuerySet[Member]:
    """The organization's members matching the filter; an unknown id matches nothing (§1.7)."""
    members = Member.objects.filter(organization=organization)
    if query.search:
        text = query.search.strip().lower()
        members = members.filter(
            Q(sort_name__contains=text)
            | Q(sort_email__contains=text)
            | Q(user__given_name__icontains=text)
            | Q(user__family_name__icontains=text)
        )
    if query.roleId:
        members = members.filter(id__in=Member.roles.through.objects.filter(role_id=query.roleId).values("member_id"))
    if query.teamId:
        if not Team.objects.filter(organization=organization, id=query.teamId).exists():
            return members.none()
        explicit = TeamMember.objects.filter(team_id=query.teamId).values("member_id")
        # Holders of an allTeams org role are implicit Team Admins of every team (§1.13).
        inherited = Member.roles.through.objects.filter(role__all_teams=True).values("member_id")
        members = members.filter(Q(id__in=explicit) | Q(id__in=inherited))
    if query.accountType:
        members = members.filter(account_type=query.accountType)
    if query.status:
        members = members.filter(status=query.status)
    return members


def assignments(member_ids: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]], list[Team]]:
    """Org role ids and explicit team ids per member, and the teams referenced: a fixed number of queries."""
    role_ids: dict[str, list[str]] = {member_id: [] for member_id in member_ids}
    team_ids: dict[str, list[str]] = {member_id: [] for member_id in member_ids}
    if not member_ids:
        return role_ids, team_ids, []
    held = Member.roles.through.objects.filter(member_id__in=member_ids).order_by("role__position")
    for member_id, role_id in held.values_list("member_id", "role_id"):
        role_ids[member_id].append(role_id)
    memberships = list(TeamMember.objects.filter(member_id__in=member_ids).values_list("member_id", "team_id"))
    teams = list(
        Team.objects.filter(id__in={team_id for _, team_id in memberships})
        .annotate(member_count=Count("memberships"))
        .order_by(Lower("name"), "id")
    )
    position = {team.id: n for n, team in enumerate(teams)}
    for member_id, team_id in sorted(memberships, key=lambda row: position[row[1]]):
        team_ids[member_id].append(team_id)
    return role_ids, team_ids, teams
