"""Shapes every area shares (contract §2.1): the base model, audit fields, core entities, list envelopes."""

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr
from pydantic.alias_generators import to_camel


class Lookup:
    """Base of every object a template reads in a table row: answers Django's `obj[name]` lookup directly.

    Django templates try `obj[name]` before `obj.name` at every step of {{ row.member.name }}; without this,
    each try builds a TypeError, which made a table row 15-20 % slower to draw (README "Speed").
    """

    __slots__ = ()

    def __getitem__(self, name: str):
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None


class Model(Lookup, BaseModel):
    """Base of every platform shape: camelCase aliases, unknown keys ignored (the API may grow)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class Audit(Model):
    created_at: AwareDatetime
    created_by: str | None = None
    updated_at: AwareDatetime
    updated_by: str | None = None


class Organization(Model):
    id: str
    name: str
    created_at: AwareDatetime | None = None


class User(Audit):
    id: str
    email: str
    given_name: str
    family_name: str
    display_name: str
    status: Literal["active", "disabled"] = "active"
    email_verified: bool = False
    mfa_enabled: bool = False
    last_login_at: AwareDatetime | None = None
    member_id: str | None = None
    account_type: Literal["managed", "external"] | None = None


class Member(Audit):
    id: str
    organization_id: str
    user_id: str
    email: str
    given_name: str
    family_name: str
    display_name: str
    account_type: Literal["managed", "external"] = "managed"
    status: Literal["active", "deactivated"] = "active"
    mfa_enabled: bool = False
    last_login_at: AwareDatetime | None = None
    joined_at: AwareDatetime


class Permission(Model):
    relation: str
    description: str = ""
    valid_object_types: list[str] = []
    system_only: bool = False


class PermissionBundle(Model):
    key: str
    name: str
    description: str = ""
    relations: list[str] = []


class Role(Audit):
    id: str
    organization_id: str
    key: str
    scope: Literal["organization", "team"]
    name: str
    description: str = ""
    all_teams: bool = False
    break_glass: bool = False


class Team(Audit):
    id: str
    organization_id: str
    name: str
    description: str | None = None
    default_role_id: str


class TeamSummary(Model):
    team: Team
    member_count: int


class Included(Model):
    """Objects a normalized list carries once, by type; look them up by id, never by position."""

    members: list[Member] = []
    roles: list[Role] = []
    team_roles: list[Role] = []
    teams: list[TeamSummary] = []

    _members: dict[str, Member] = PrivateAttr(default_factory=dict)
    _roles: dict[str, Role] = PrivateAttr(default_factory=dict)
    _teams: dict[str, TeamSummary] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        self._members = {member.id: member for member in self.members}
        self._roles = {role.id: role for role in [*self.roles, *self.team_roles]}
        self._teams = {summary.team.id: summary for summary in self.teams}

    def member(self, member_id: str) -> Member | None:
        return self._members.get(member_id)

    def role(self, role_id: str) -> Role | None:
        return self._roles.get(role_id)

    def team(self, team_id: str) -> TeamSummary | None:
        return self._teams.get(team_id)

    def roles_of(self, role_ids: list[str]) -> list[Role]:
        """The roles with these ids, in the order given, skipping ids the response did not include."""
        return [role for role in map(self.role, role_ids) if role is not None]

    def teams_of(self, team_ids: list[str]) -> list[TeamSummary]:
        return [team for team in map(self.team, team_ids) if team is not None]


class Items[T](Model):
    """A list without paging: `{ items }`."""

    items: list[T]


class Page[T](Model):
    """Page-style list (§1.8): `total` matches, one page of `items`, and `included` objects."""

    total: int
    items: list[T]
    included: Included = Field(default_factory=Included)
