"""Wire shapes of /org/roles and /org/team-roles (contract §3.11): the fixed catalogues with holder counts."""

from typing import Literal

from ninja import Schema

from localplatform.api.pagination import PageQuery
from localplatform.api.shapes.common import Page, Permission, Role, permission_data, role_data
from localplatform.identity import models
from localplatform.identity.services import roles
from localplatform.identity.services.permissions import role_relations


class RoleQuery(PageQuery):
    search: str = ""
    sortBy: Literal["name"] = "name"


class PermissionBundle(Schema):
    key: str
    name: str
    description: str
    relations: list[str]


class RoleSummary(Schema):
    role: Role
    memberCount: int
    permissionCount: int


class RoleDetail(RoleSummary):
    permissions: list[Permission]
    bundles: list[PermissionBundle]


class RolePage(Page[RoleSummary]):
    pass


def role_summary_data(role: models.Role, organization_id: str, member_count: int) -> dict:
    """RoleSummary; the permission count comes from the cached catalogue."""
    return {
        "role": role_data(role, organization_id),
        "memberCount": member_count,
        "permissionCount": len(role_relations().get(role.id, ())),
    }


def role_page_data(page: roles.RolePage, organization_id: str) -> dict:
    """Page<RoleSummary>."""
    items = [role_summary_data(role, organization_id, page.member_counts.get(role.id, 0)) for role in page.roles]
    return {"total": page.total, "items": items}


def bundle_data(bundle: models.PermissionBundle, relations: list[str]) -> dict:
    """PermissionBundle; `relations` are the bundle's relations, sorted."""
    return {"key": bundle.key, "name": bundle.name, "description": bundle.description, "relations": relations}


def role_detail_data(detail: roles.RoleDetail, organization_id: str) -> dict:
    """RoleDetail: the summary, the permissions by relation and the bundles the role holds entirely."""
    return {
        **role_summary_data(detail.role, organization_id, detail.member_count),
        "permissions": [permission_data(p) for p in detail.permissions],
        "bundles": [bundle_data(bundle, relations) for bundle, relations in detail.bundles],
    }
