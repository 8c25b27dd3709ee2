"""/org/members: the member directory and member administration (contract §3.13)."""

from typing import Annotated, Literal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Lower
from ninja import Query, Router, Status
from pydantic import Field, StringConstraints, field_validator

from localplatform.api import member_shapes, shapes
from localplatform.api.auth import Actor, BearerAuth
from localplatform.api.pagination import PageQuery
from localplatform.api.schemas import Id, Input
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Member, Organization, Role, Team, TeamMember
from localplatform.identity.services import members as member_service
from localplatform.identity.services.invitations import resolve_roles

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
            raise PlatformError("invalid_request", f"{key} is given more than once.")
    members = filtered_members(actor.organization, query)
    total = members.count()
    page = []
    if query.limit and (query.page - 1) * query.limit < total:
        start = (query.page - 1) * query.limit
        ordered = members.order_by(*sort_order(actor.organization, query, total))
        page = list(ordered.select_related("user")[start : start + query.limit])
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


def sort_order(organization: Organization, query: MemberQuery, total: int) -> list:
    """ORDER BY for the page: walk the sort index, or sort only the matches of a sparse search.

    Browsing walks the (organization, sort column, id) index and reads just the page. A search whose
    matches are dense meets the page soon on that walk too; a sparse one (a single email) would read the
    whole organization in sort order looking for them, so it sorts its matches instead: ordering by an
    expression keeps the planner off the sort index.
    """
    field = "sort_email" if query.sortBy == "email" else "sort_name"
    key = F(field)
    if query.search:
        reach = query.page * query.limit
        size = Member.objects.filter(organization=organization).count()
        if total * total < reach * size:  # rows walked before the page (reach * size / total) exceed the matches
            key = Lower(field)
    return [key.desc() if query.sortDirection == "desc" else key.asc(), "id"]


def filtered_members(organization: Organization, query: MemberQuery) -> QuerySet[Member]:
    """The organization's members matching the filter; an unknown id matches nothing (§1.7)."""
    members = Member.objects.filter(organization=organization)
    if query.search:
        text = query.search.strip().lower()
        members = members.filter(search_text__contains=text)  # lower-cased names and email (models.Member)
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


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


class MemberPatch(Input):
    givenName: Name | None = None
    familyName: Name | None = None
    displayName: Name | None = None
    accountType: Literal["managed", "external"] | None = None
    status: Literal["active", "deactivated"] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value):
        if value is None:
            raise ValueError("must not be null")
        return value


PATCH_FIELDS = {
    "givenName": "given_name",
    "familyName": "family_name",
    "displayName": "display_name",
    "accountType": "account_type",
    "status": "status",
}


class RolesPut(Input):
    roleIds: list[Id] = Field(min_length=1, max_length=10)

    @field_validator("roleIds")
    @classmethod
    def unique(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("duplicate role ids")
        return value


def member_in_org(actor: Actor, member_id: str) -> Member:
    """The path member in the caller's organization, or 404."""
    member = (
        Member.objects.select_related("user", "organization")
        .prefetch_related("roles")
        .filter(organization=actor.organization, id=member_id)
        .first()
    )
    if member is None:
        raise not_found("member")
    return member


@router.get(
    "/members/{member}",
    response={200: member_shapes.MemberDetail, **shapes.errors(400, 401, 403, 404)},
    summary="Describe an organization member",
)
def member_detail(request, member: Id):
    """Shows one member's profile, org roles and team memberships."""
    actor = request.auth
    actor.require("CanViewOrganization")
    return member_shapes.member_detail_data(member_in_org(actor, member))


@router.delete(
    "/members/{member}",
    response={204: None, **shapes.errors(400, 401, 403, 404, 409)},
    summary="Remove a member",
)
def member_remove(request, member: Id):
    """Removes someone from the organization with their roles and team memberships; a member may leave."""
    actor = request.auth
    if member != actor.member.id:
        actor.require("CanManageUsers")
    member_service.remove_member(actor.access, member_in_org(actor, member))
    return Status(204, None)


@router.patch(
    "/members/{member}",
    response={200: member_shapes.MemberDetail, **shapes.errors(400, 401, 403, 404, 409, 422)},
    summary="Update a member",
)
def member_update(request, member: Id, body: MemberPatch):
    """Edits a member's profile fields (managed members only), account type or status."""
    actor = request.auth
    actor.require("CanManageUsers")
    target = member_in_org(actor, member)
    changes = {PATCH_FIELDS[name]: value for name, value in body.model_dump(exclude_unset=True).items()}
    member_service.update_member(actor.access, target, changes)
    return member_shapes.member_detail_data(member_in_org(actor, member))


@router.put(
    "/members/{member}/roles",
    response={204: None, **shapes.errors(400, 401, 403, 404, 409, 422)},
    summary="Update member roles",
)
def member_roles_update(request, member: Id, body: RolesPut):
    """Replaces every org role the member holds (at least one)."""
    actor = request.auth
    actor.require("CanAssignRoles")
    target = member_in_org(actor, member)
    roles = resolve_roles(body.roleIds, Role.ORGANIZATION, "roleIds")
    if not roles:
        raise invalid({"roleIds": "at least one role"})
    member_service.replace_roles(actor.access, target, roles)
    return Status(204, None)
