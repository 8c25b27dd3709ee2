"""The authorization model of contract §1.13: org roles, team roles, allTeams roles as implicit Team Admins."""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache

from localplatform.identity.models import Member, Role, TeamMember

CATALOGUE_CACHE_KEY = "lakesail.role-relations.v1"


def role_relations() -> dict[str, frozenset[str]]:
    """role id -> the relations it grants. The catalogue is fixed, so it is cached."""
    mapping = cache.get(CATALOGUE_CACHE_KEY)
    if mapping is None:
        mapping = {}
        for role in Role.objects.prefetch_related("permissions"):
            mapping[role.id] = frozenset(p.relation for p in role.permissions.all())
        cache.set(CATALOGUE_CACHE_KEY, mapping, None)
    return mapping


def roles_by_key() -> dict[str, Role]:
    """The fixed role catalogue by key ("owner", "team_admin", ...)."""
    return {role.key: role for role in Role.objects.all()}


@dataclass
class Access:
    """What one active member may do in their organization."""

    member: Member
    org_role_ids: frozenset[str]
    all_teams: bool
    relations: frozenset[str]  # granted by org roles
    _team_cache: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, member: Member) -> "Access":
        mapping = role_relations()
        roles = list(member.roles.all())
        relations: frozenset[str] = frozenset().union(*(mapping.get(r.id, frozenset()) for r in roles))
        return cls(member, frozenset(r.id for r in roles), any(r.all_teams for r in roles), relations)

    @cached_property
    def team_admin_relations(self) -> frozenset[str]:
        admin = Role.objects.get(key="team_admin")
        return role_relations()[admin.id]

    @cached_property
    def team_relations(self) -> dict[str, frozenset[str]]:
        """team id -> relations from the member's explicit team roles."""
        mapping = role_relations()
        result: dict[str, set[str]] = {}
        for membership in TeamMember.objects.filter(member=self.member).prefetch_related("roles"):
            granted = result.setdefault(membership.team_id, set())
            for role in membership.roles.all():
                granted |= mapping.get(role.id, frozenset())
        return {team_id: frozenset(granted) for team_id, granted in result.items()}

    def has(self, relation: str) -> bool:
        """R@org: one of the member's org roles grants the relation."""
        return relation in self.relations

    def has_in_team(self, relation: str, team_id: str) -> bool:
        """R@team(T): an org role grants it, or the member's role in team T (Team Admin if allTeams)."""
        if relation in self.relations:
            return True
        if self.all_teams and relation in self.team_admin_relations:
            return True
        return relation in self.team_relations.get(team_id, frozenset())

    def has_in_any_team(self, relation: str) -> bool:
        """R@org, or R through the member's role in some team."""
        if relation in self.relations or (self.all_teams and relation in self.team_admin_relations):
            return True
        return any(relation in granted for granted in self.team_relations.values())

    def has_on(self, relation: str, team_ids: list[str]) -> bool:
        """R@<resource>: an org role grants it, or a team role in any team the resource is shared with."""
        return relation in self.relations or any(self.has_in_team(relation, t) for t in team_ids)
