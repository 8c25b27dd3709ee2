"""/org/roles and /org/team-roles: the fixed role catalogues with this organization's counts (contract §3.11)."""

from typing import Literal

from django.db.models import Count, Q
from django.db.models.functions import Lower
from ninja import Query, Router

from localplatform.api import shapes
from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import PageQuery, page_slice
from localplatform.api.schemas import Id
from localplatform.errors import not_found
from localplatform.identity.models import Member, Organization, PermissionBundle, Role, TeamMember
from localplatform.identity.services.permissions import role_relations

router = Router(tags=["roles"], auth=BearerAuth())


class RoleQuery(PageQuery):
    search: str = ""
    sortBy: Literal["name"] = "name"


@router.get(
    "/roles",
    response={200: shapes.RolePage, **shapes.errors(400, 401, 403)},
    summary="List organization roles",
)
def role_list(request, query: Query[RoleQuery]):
    """Lists the fixed organization roles, with their member and permission counts."""
    request.auth.require("CanViewOrganization")
    return role_page(request.auth.organization, Role.ORGANIZATION, query)


@router.get(
    "/roles/{role}",
    response={200: shapes.RoleDetail, **shapes.errors(400, 401, 403, 404)},
    summary="Describe an organization role",
)
def role_detail(request, role: Id):
    """Shows one organization role with its permissions and bundles."""
    request.auth.require("CanViewOrganization")
    return role_detail_data(request.auth.organization, Role.ORGANIZATION, role)


@router.get(
    "/team-roles",
    response={200: shapes.RolePage, **shapes.errors(400, 401, 403)},
    summary="List team roles",
)
def team_role_list(request, query: Query[RoleQuery]):
    """Lists the fixed team roles; memberCount counts the explicit team memberships holding each."""
    request.auth.require("CanViewOrganization")
    return role_page(request.auth.organization, Role.TEAM, query)


@router.get(
    "/team-roles/{role}",
    response={200: shapes.RoleDetail, **shapes.errors(400, 401, 403, 404)},
    summary="Describe a team role",
)
def team_role_detail(request, role: Id):
    """Shows one team role with its permissions and bundles."""
    request.auth.require("CanViewOrganization")
    return role_detail_data(request.auth.organization, Role.TEAM, role)


def role_page(organization: Organization, scope: str, query: RoleQuery) -> dict:
    """Page<RoleSummary> of one scope's catalogue."""
    roles = Role.objects.filter(scope=scope)
    if query.search:
        roles = roles.filter(Q(name__icontains=query.search) | Q(description__icontains=query.search))
    name = Lower("name")
    roles = roles.order_by(name.desc() if query.sortDirection == "desc" else name.asc(), "id")
    total, page = page_slice(roles, query)
    counts = member_counts(organization, scope, [role.id for role in page])
    return {"total": total, "items": [role_summary(role, organization.id, counts) for role in page]}


def role_detail_data(organization: Organization, scope: str, role_id: str) -> dict:
    """RoleDetail; a role of the other scope is not found."""
    role = Role.objects.filter(id=role_id, scope=scope).prefetch_related("permissions").first()
    if role is None:
        raise not_found("role")
    permissions = sorted(role.permissions.all(), key=lambda p: p.relation)
    held = {p.relation for p in permissions}
    bundles = []
    for bundle in PermissionBundle.objects.prefetch_related("permissions"):
        relations = sorted(p.relation for p in bundle.permissions.all())
        if held.issuperset(relations):
            bundles.append(shapes.bundle_data(bundle, relations))
    return {
        **role_summary(role, organization.id, member_counts(organization, scope, [role.id])),
        "permissions": [shapes.permission_data(p) for p in permissions],
        "bundles": bundles,
    }


def role_summary(role: Role, organization_id: str, counts: dict[str, int]) -> dict:
    """RoleSummary; the permission count comes from the cached catalogue."""
    return {
        "role": shapes.role_data(role, organization_id),
        "memberCount": counts.get(role.id, 0),
        "permissionCount": len(role_relations().get(role.id, ())),
    }


def member_counts(organization: Organization, scope: str, role_ids: list[str]) -> dict[str, int]:
    """role id -> holders in the caller's organization: members (org roles) or explicit team memberships."""
    if scope == Role.ORGANIZATION:
        holders = Member.roles.through.objects.filter(member__organization=organization)
    else:
        holders = TeamMember.roles.through.objects.filter(teammember__team__organization=organization)
    rows = holders.filter(role_id__in=role_ids).values("role_id").annotate(count=Count("id"))
    return {row["role_id"]: row["count"] for row in rows}
