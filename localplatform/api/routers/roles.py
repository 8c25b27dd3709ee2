"""/org/roles and /org/team-roles (contract §3.11): the fixed role catalogues with this organization's counts."""

from ninja import Query, Router

from localplatform.api.auth import BearerAuth
from localplatform.api.shapes import roles as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.identity.models import Role
from localplatform.identity.services import roles

router = Router(tags=["roles"], auth=BearerAuth())


def role_page(request, scope: str, query: shapes.RoleQuery) -> dict:
    actor = request.auth
    actor.require("CanViewOrganization")
    descending = query.sortDirection == "desc"
    found = roles.list_roles(actor.organization, scope, query.search, descending, query.page, query.limit)
    return shapes.role_page_data(found, actor.organization.id)


def role_detail(request, scope: str, role_id: str) -> dict:
    actor = request.auth
    actor.require("CanViewOrganization")
    return shapes.role_detail_data(roles.describe_role(actor.organization, scope, role_id), actor.organization.id)


@router.get(
    "/roles",
    response={200: shapes.RolePage, **errors(400, 401, 403)},
    summary="List organization roles",
)
def list_roles(request, query: Query[shapes.RoleQuery]):
    """Lists the fixed organization roles, with their member and permission counts."""
    return role_page(request, Role.ORGANIZATION, query)


@router.get(
    "/roles/{role}",
    response={200: shapes.RoleDetail, **errors(400, 401, 403, 404)},
    summary="Describe an organization role",
)
def describe_role(request, role: Id):
    """Shows one organization role with its permissions and bundles."""
    return role_detail(request, Role.ORGANIZATION, role)


@router.get(
    "/team-roles",
    response={200: shapes.RolePage, **errors(400, 401, 403)},
    summary="List team roles",
)
def list_team_roles(request, query: Query[shapes.RoleQuery]):
    """Lists the fixed team roles; memberCount counts the explicit team memberships holding each."""
    return role_page(request, Role.TEAM, query)


@router.get(
    "/team-roles/{role}",
    response={200: shapes.RoleDetail, **errors(400, 401, 403, 404)},
    summary="Describe a team role",
)
def describe_team_role(request, role: Id):
    """Shows one team role with its permissions and bundles."""
    return role_detail(request, Role.TEAM, role)
