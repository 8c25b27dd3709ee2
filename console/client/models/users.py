"""users: the caller (GET /me), email addresses, logins, trusted devices, my teams, and the organization's user
accounts (/users) (contract §3.3)."""

from typing import Any

from pydantic import AwareDatetime, Field, PrivateAttr

from console.client.models.common import Member, Model, Organization, Role, Team, User


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


class Email(Model):
    id: str
    email: str
    primary: bool = False
    verified: bool = False
    verified_at: AwareDatetime | None = None
    created_at: AwareDatetime


class EmailPage(Model):
    """MarkerPage<Email> (§1.8): `marker` is absent on the last page."""

    items: list[Email]
    marker: str | None = None


class Login(Model):
    id: str
    current: bool = False
    method: str = "password"
    mfa: bool = False
    token_type: str = "Bearer"
    organization_id: str | None = None
    ip_address: str = ""
    user_agent: str = ""
    device: str | None = None
    created_at: AwareDatetime
    last_used_at: AwareDatetime
    expires_at: AwareDatetime


class TrustedDevice(Model):
    id: str
    name: str
    ip_address: str = ""
    user_agent: str = ""
    created_at: AwareDatetime
    last_used_at: AwareDatetime
    expires_at: AwareDatetime


class MyTeam(Model):
    team: Team
    member_count: int = 0
    role_ids: list[str] = []
    inherited: bool = False


class MyTeamsIncluded(Model):
    team_roles: list[Role] = []


class MyTeams(Model):
    """GET /me/teams: the caller's teams with their team roles, joined with included.teamRoles."""

    items: list[MyTeam]
    included: MyTeamsIncluded = Field(default_factory=MyTeamsIncluded)
    _roles: dict[str, Role] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context) -> None:
        self._roles = {role.id: role for role in self.included.team_roles}

    def roles_of(self, entry: MyTeam) -> list[Role]:
        return [self._roles[role_id] for role_id in entry.role_ids if role_id in self._roles]


class UserPage(Model):
    """GET /users: MarkerPage<User> (§1.8), by email; `marker` is absent on the last page."""

    items: list[User]
    marker: str | None = None


class CreatedUser(Model):
    """POST /users: the account, its membership, and the temporary password, shown only here (None when one was set)."""

    user: User
    member: Member
    temporary_password: str | None = Field(default=None, repr=False)


class TemporaryPassword(Model):
    """POST /users/{user}/password/reset: shown once; it stops working at `expires_at` (72 h)."""

    temporary_password: str = Field(repr=False)
    expires_at: AwareDatetime
