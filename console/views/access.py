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


TEAM_ROLES_KEY = "platform.team-role-relations"


@dataclass(frozen=True)
class TeamAccess:
    """What the caller may do per team: org relations apply everywhere; team roles in their own teams.

    Workloads are team-scoped (§1.13): a Contributor manages notebooks of their team only. Learned from
    GET /me/teams (one call) and the fixed team roles' relations, cached in the session.
    """

    org: Access
    teams: dict[str, frozenset[str]]  # team id -> relations the caller's team roles grant there
    names: dict[str, str]  # team id -> name, for the caller's teams

    def can_in(self, relation: str, team_id: str | None) -> bool:
        return self.org.can(relation) or relation in self.teams.get(team_id or "", frozenset())

    def can_in_any(self, relation: str, team_ids) -> bool:
        return self.org.can(relation) or any(self.can_in(relation, t) for t in team_ids)

    def teams_with(self, relation: str) -> list[tuple[str, str]]:
        """(id, name) of the caller's teams where they hold `relation`, by name."""
        return sorted(((t, self.names[t]) for t in self.teams if self.can_in(relation, t)), key=lambda p: p[1].lower())


def team_access_of(request) -> TeamAccess:
    """The caller's TeamAccess (GET /me/teams, plus each team role's relations once per session)."""
    from console.client.roles import describe_team_role
    from console.client.users import list_my_teams

    org = access_of(request)
    mine = list_my_teams(request.platform)
    cached = request.session.get(TEAM_ROLES_KEY)
    cached = dict(cached) if isinstance(cached, dict) else {}
    teams: dict[str, frozenset[str]] = {}
    for item in mine.items:
        granted: set[str] = set()
        for role_id in item.role_ids:
            if role_id not in cached:
                cached[role_id] = sorted(p.relation for p in describe_team_role(request.platform, role_id).permissions)
            granted.update(cached[role_id])
        teams[item.team.id] = frozenset(granted)
    request.session[TEAM_ROLES_KEY] = cached
    return TeamAccess(org, teams, {item.team.id: item.team.name for item in mine.items})
