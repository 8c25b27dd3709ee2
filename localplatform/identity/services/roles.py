"""The fixed role catalogues (contract §3.11, §1.13) with the organization's holder counts; the permission catalogue."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from localplatform.errors import not_found
from localplatform.identity.models import Member, Organization, Permission, PermissionBundle, Role, TeamMember
from localplatform.paging import page_of


@dataclass
class RolePage:
    """One page of a role catalogue, with the organization's holders of each role."""

    total: int
    roles: list[Role]
    member_counts: dict[str, int]


@dataclass
class RoleDetail:
    """One role with its permissions (by relation) and the bundles it holds entirely, each with its relations."""

    role: Role
    member_count: int
    permissions: list[Permission]
    bundles: list[tuple[PermissionBundle, list[str]]]


def permissions() -> list[Permission]:
    """The permission catalogue, by relation (GET /auth/permissions)."""
    return list(Permission.objects.order_by("relation"))


def list_roles(
    organization: Organization, scope: str, search: str, descending: bool, page: int, limit: int
) -> RolePage:
    """One scope's catalogue, matching `search` in name or description, by name."""
    roles = Role.objects.filter(scope=scope)
    if search:
        roles = roles.filter(Q(name__icontains=search) | Q(description__icontains=search))
    name = Lower("name")
    total, found = page_of(roles.order_by(name.desc() if descending else name.asc(), "id"), page, limit)
    return RolePage(total, found, member_counts(organization, scope, [role.id for role in found]))


def describe_role(organization: Organization, scope: str, role_id: str) -> RoleDetail:
    """A role of this scope (a role of the other scope is not found) with its permissions and bundles."""
    role = Role.objects.filter(id=role_id, scope=scope).prefetch_related("permissions").first()
    if role is None:
        raise not_found("role")
    held = sorted(role.permissions.all(), key=lambda p: p.relation)
    relations = {p.relation for p in held}
    bundles = []
    for bundle in PermissionBundle.objects.prefetch_related("permissions"):
        bundle_relations = sorted(p.relation for p in bundle.permissions.all())
        if relations.issuperset(bundle_relations):
            bundles.append((bundle, bundle_relations))
    count = member_counts(organization, scope, [role.id]).get(role.id, 0)
    return RoleDetail(role, count, held, bundles)


def member_counts(organization: Organization, scope: str, role_ids: list[str]) -> dict[str, int]:
    """role id -> holders in the organization: members (org roles) or explicit team memberships (team roles)."""
    holders: QuerySet[Any]
    if scope == Role.ORGANIZATION:
        holders = Member.roles.through.objects.filter(member__organization=organization)
    else:
        holders = TeamMember.roles.through.objects.filter(teammember__team__organization=organization)
    rows = holders.filter(role_id__in=role_ids).values("role_id").annotate(count=Count("id"))
    return {row["role_id"]: row["count"] for row in rows}
