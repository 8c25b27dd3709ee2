"""Shapes of sign-up, the account (/me*), MFA and the Dev mailbox (contract §2.1, §3.1, §3.3, §3.8, §7)."""

from pydantic import AwareDatetime, Field, PrivateAttr

from console.client.models import Model, Organization, Role, Team, User


class SignupResult(Model):
    user: User
    organization: Organization
    email_verification_required: bool = True


class EmailVerified(Model):
    email: str
    verified_at: AwareDatetime


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


class MfaStatus(Model):
    enabled: bool = False
    methods: list[str] = []
    totp_confirmed_at: AwareDatetime | None = None
    recovery_codes_remaining: int = 0
    enrollment_pending: bool = False
    required: bool = False


class TotpEnrollment(Model):
    secret: str = Field(repr=False)
    otpauth_uri: str = Field(repr=False)
    expires_at: AwareDatetime


class TotpConfirmation(Model):
    recovery_codes: list[str] = Field(repr=False)
    mfa: MfaStatus


class RecoveryCodes(Model):
    recovery_codes: list[str] = Field(repr=False)


class OutboxMessage(Model):
    id: str
    to: list[str] = []
    subject: str = ""
    text: str = ""
    html: str | None = None
    sent_at: AwareDatetime


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
