"""What the signed-in user may do in their organization, learned from the platform and kept in the session.

The relations come from the caller's org roles (GET /org/roles/{role}, one call per held role) and are
cached in the session, keyed by organization and role ids, so screens can leave out what the user
cannot do without asking again. They only decide what is offered: the platform enforces every action.
"""

from dataclasses import dataclass

from console.client.roles import describe_role
from console.sessions import IDENTITY_KEY, read_identity

RELATIONS_KEY = "platform.relations"


@dataclass(frozen=True)
class Access:
    relations: frozenset[str]
    owner: bool  # holds the Owner role: may grant or revoke it, and act on other Owners
    member_id: str | None  # the caller's own membership in the organization in context

    def can(self, relation: str) -> bool:
        return relation in self.relations

    @property
    def manage_users(self) -> bool:
        return self.can("CanManageUsers")

    @property
    def assign_roles(self) -> bool:
        return self.can("CanAssignRoles")


def access_of(request) -> Access:
    """The caller's Access: from the session when its roles are unchanged, else from the platform."""
    identity = read_identity(request.session)
    if identity is None:
        return Access(frozenset(), False, None)
    member_id = next((o.member_id for o in identity.organizations if o.id == identity.organization_id), None)
    key = [identity.organization_id, sorted(identity.role_ids)]
    cached = request.session.get(RELATIONS_KEY)
    if not (isinstance(cached, dict) and cached.get("key") == key):
        relations: set[str] = set()
        owner = False
        for role_id in identity.role_ids:
            detail = describe_role(request.platform, role_id)
            relations.update(permission.relation for permission in detail.permissions)
            owner = owner or detail.role.key == "owner"
        cached = {"key": key, "relations": sorted(relations), "owner": owner}
        request.session[RELATIONS_KEY] = cached
    return Access(frozenset(cached["relations"]), bool(cached["owner"]), member_id)


def remember_own_roles(request, role_ids: list[str]) -> None:
    """After the caller changed their own org roles: update the session's snapshot so the screens follow."""
    data = request.session.get(IDENTITY_KEY)
    if not isinstance(data, dict):
        return
    data["role_ids"] = list(role_ids)
    for choice in data.get("organizations", ()):
        if choice.get("id") == data.get("organization_id"):
            choice["role_ids"] = list(role_ids)
    request.session[IDENTITY_KEY] = data
