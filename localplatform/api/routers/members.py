"""/org/members (contract §3.13): the member directory and member administration."""

from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.shapes import members as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.errors import PlatformError, invalid
from localplatform.identity.models import Role
from localplatform.identity.services import directory, members
from localplatform.identity.services.invitations import resolve_roles

router = Router(tags=["members"], auth=BearerAuth())


@router.get(
    "/members",
    response={200: shapes.MemberPage, **errors(400, 401, 403)},
    summary="Search members",
)
def list_members(request, query: Query[shapes.MemberQuery]):
    """Filters and pages through the member directory, with each member's role and team assignments."""
    actor = request.auth
    actor.require("CanViewOrganization")
    for key in shapes.FILTER_KEYS:
        if len(request.GET.getlist(key)) > 1:
            raise PlatformError("invalid_request", f"{key} is given more than once.")
    descending = query.sortDirection == "desc"
    found = directory.search_members(
        actor.organization, query.where(), query.sortBy, descending, query.page, query.limit
    )
    return shapes.member_page_data(found, actor.organization.id)


@router.get(
    "/members/{member}",
    response={200: shapes.MemberDetail, **errors(400, 401, 403, 404)},
    summary="Describe an organization member",
)
def describe_member(request, member: Id):
    """Shows one member's profile, org roles and team memberships."""
    actor = request.auth
    actor.require("CanViewOrganization")
    return shapes.member_detail_data(members.describe_member(actor.organization, member))


@router.delete(
    "/members/{member}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Remove a member",
)
def remove_member(request, member: Id):
    """Removes someone from the organization with their roles and team memberships; a member may leave."""
    actor = request.auth
    if member != actor.member.id:
        actor.require("CanManageUsers")
    members.remove_member(actor.access, directory.member_in(actor.organization, member))
    return Status(204, None)


@router.patch(
    "/members/{member}",
    response={200: shapes.MemberDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a member",
)
def update_member(request, member: Id, body: shapes.MemberPatch):
    """Edits a member's profile fields (managed members only), account type or status."""
    actor = request.auth
    actor.require("CanManageUsers")
    members.update_member(actor.access, directory.member_in(actor.organization, member), body.changes())
    return shapes.member_detail_data(members.describe_member(actor.organization, member))


@router.put(
    "/members/{member}/roles",
    response={204: None, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update member roles",
)
def replace_member_roles(request, member: Id, body: shapes.RolesPut):
    """Replaces every org role the member holds (at least one)."""
    actor = request.auth
    actor.require("CanAssignRoles")
    target = directory.member_in(actor.organization, member)
    roles = resolve_roles(body.roleIds, Role.ORGANIZATION, "roleIds")
    if not roles:
        raise invalid({"roleIds": "at least one role"})
    members.replace_roles(actor.access, target, roles)
    return Status(204, None)
