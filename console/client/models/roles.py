"""roles: role summaries and details with their permissions (contract §3.11)."""

from console.client.models.common import Model, Permission, PermissionBundle, Role


class RoleSummary(Model):
    role: Role
    member_count: int
    permission_count: int


class RoleDetail(RoleSummary):
    permissions: list[Permission] = []
    bundles: list[PermissionBundle] = []
