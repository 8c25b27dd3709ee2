"""Roles: the fixed organization and team role catalogues, each role's permissions, the permission catalogue."""

from collections import defaultdict

from django.views.decorators.http import require_safe

from console.client.auth import list_permissions
from console.client.roles import describe_role, describe_team_role, list_roles, list_team_roles
from console.htmx import render_page
from console.requests import SignedInRequest
from console.views.decorators import signed_in

OBJECT_TYPE_NAMES = {
    "organization": "Organization",
    "team": "Teams",
    "connection": "Connections",
    "network": "Networks",
    "cluster": "Clusters",
    "catalog": "Catalogs",
    "query": "Queries",
    "job": "Jobs",
    "notebook": "Notebooks",
    "session": "Sessions",
    "workload_config": "Workload configs",
    "secret": "Secrets",
}


def by_object_type(permissions) -> list[tuple[str, list]]:
    """Permissions grouped by the most specific object type they apply to, in the catalogue's type order."""
    groups: dict[str, list] = defaultdict(list)
    for permission in permissions:
        kind = permission.valid_object_types[-1] if permission.valid_object_types else "organization"
        groups[kind].append(permission)
    order = list(OBJECT_TYPE_NAMES)
    kinds = sorted(groups, key=lambda kind: order.index(kind) if kind in order else len(order))
    return [(OBJECT_TYPE_NAMES.get(kind, kind.replace("_", " ").capitalize()), groups[kind]) for kind in kinds]


@require_safe
@signed_in
def role_list(request: SignedInRequest):
    """GET /org/roles and GET /org/team-roles: both catalogues with member and permission counts."""
    context = {
        "org_roles": list_roles(request.platform).items,
        "team_roles": list_team_roles(request.platform).items,
    }
    return render_page(request, "console/roles/list.html", context)


@require_safe
@signed_in
def role_detail(request: SignedInRequest, role_id: str):
    """GET /org/roles/{role}"""
    return render_role(request, describe_role(request.platform, role_id))


@require_safe
@signed_in
def team_role_detail(request: SignedInRequest, role_id: str):
    """GET /org/team-roles/{role}"""
    return render_role(request, describe_team_role(request.platform, role_id))


def render_role(request, detail):
    context = {"detail": detail, "role": detail.role, "groups": by_object_type(detail.permissions)}
    return render_page(request, "console/roles/detail.html", context)


@require_safe
@signed_in
def permission_list(request: SignedInRequest):
    """GET /auth/permissions: every relation the platform knows, by object type."""
    context = {"groups": by_object_type(list_permissions(request.platform))}
    return render_page(request, "console/roles/permissions.html", context)
