"""Platform API shapes (contract §2.1) as pydantic models: snake_case attributes, camelCase on the wire."""

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from pydantic.alias_generators import to_camel


class Model(BaseModel):
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


class RoleSummary(Model):
    role: Role
    member_count: int
    permission_count: int


class RoleDetail(RoleSummary):
    permissions: list[Permission] = []
    bundles: list[PermissionBundle] = []


class Team(Audit):
    id: str
    organization_id: str
    name: str
    description: str | None = None
    default_role_id: str


class TeamSummary(Model):
    team: Team
    member_count: int


class MemberRow(Model):
    member_id: str
    role_ids: list[str] = []
    team_ids: list[str] = []


class MeOrganization(Model):
    organization: Organization
    member_id: str
    role_ids: list[str] = []


class Me(Model):
    root: dict[str, Any] = {}
    user: User | None = None
    service_account: dict[str, Any] | None = None
    organization: Organization | None = None
    member: Member | None = None
    organizations: list[MeOrganization] = []


class TokenResponse(Model):
    access_token: str = Field(repr=False)
    token_type: Literal["Bearer", "DPoP"] = "Bearer"
    expires_in: int
    refresh_token: str = Field(repr=False)
    trusted_device_token: str | None = Field(default=None, repr=False)
    organization_id: str | None = None
    mfa_enrollment_required: bool = False


class MfaChallenge(Model):
    mfa_required: Literal[True]
    mfa_token: str = Field(repr=False)
    methods: list[str] = []
    expires_in: int = 300


class OrganizationSettings(Model):
    organization_id: str
    organization_name: str
    require_dpop: bool = False
    require_mfa: bool = False
    session_lifetime_minutes: int
    invitation_expiry_hours: int
    trusted_device_lifetime_days: int
    default_role_id: str
    updated_at: AwareDatetime
    updated_by: str | None = None


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


@dataclass(frozen=True)
class MemberEntry:
    """One row of the member directory joined with its member, org roles and explicit teams."""

    row: MemberRow
    member: Member
    roles: list[Role]
    teams: list[TeamSummary]

    @property
    def all_teams(self) -> bool:
        """True when an org role makes the member an implicit Team Admin of every team."""
        return any(role.all_teams for role in self.roles)


class MemberPage(Page[MemberRow]):
    """GET /org/members: rows joined with `included` by id."""

    _rows: list[MemberEntry] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _join(self) -> "MemberPage":
        rows = []
        for row in self.items:
            member = self.included.member(row.member_id)
            if member is None:
                raise ValueError(f"row {row.member_id} has no member in included.members")
            rows.append(
                MemberEntry(row, member, self.included.roles_of(row.role_ids), self.included.teams_of(row.team_ids))
            )
        self._rows = rows
        return self

    @property
    def rows(self) -> list[MemberEntry]:
        return self._rows
