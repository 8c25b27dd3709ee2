"""Wire shapes of users (contract §3.3): the caller (/me: addresses, logins, trusted devices, password, teams) and
the organization's user accounts (/users)."""

from typing import Annotated, Any, Literal

from allauth.account.models import EmailAddress
from ninja import Schema
from pydantic import Field, field_validator

from localplatform.accounts.models import TrustedDevice as TrustedDeviceModel
from localplatform.accounts.services.addresses import record
from localplatform.api.shapes.common import (
    Audited,
    Id,
    Input,
    Member,
    Name,
    Organization,
    TeamRolesIncluded,
    TeamSummary,
    Timestamp,
    User,
    member_data,
    organization_data,
    team_summary_data,
    user_data,
)
from localplatform.api.shapes.common import EmailAddress as EmailText
from localplatform.api.shapes.invitations import RoleIds, TeamPlacementIn, unique_ids
from localplatform.identity import models

# --- Requests -------------------------------------------------------------------------------------


class ProfileIn(Input):
    email: str | None = Field(None, max_length=254)
    givenName: str | None = Field(None, min_length=1, max_length=255)
    familyName: str | None = Field(None, min_length=1, max_length=255)
    displayName: str | None = Field(None, min_length=1, max_length=255)


class PasswordChangeIn(Input):
    currentPassword: str = Field(max_length=128)
    newPassword: str = Field(min_length=12, max_length=128)


class UserIn(Input):
    """POST /users (§3.3.11)."""

    email: EmailText
    givenName: Name
    familyName: Name
    displayName: Name | None = None
    password: str | None = Field(None, min_length=12, max_length=128)
    roleIds: RoleIds | None = None
    teams: Annotated[list[TeamPlacementIn], Field(max_length=20)] = []

    _unique = field_validator("roleIds")(unique_ids)


class UserPatch(Input):
    """PATCH /users/{user} (§3.3.14): only the fields present change; none may be null."""

    givenName: Name | None = None
    familyName: Name | None = None
    displayName: Name | None = None
    email: EmailText | None = None
    status: Literal["active", "disabled"] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value):
        if value is None:
            raise ValueError("must not be null")
        return value

    def changes(self) -> dict:
        """The fields present in the body, by model field name."""
        names = {"givenName": "given_name", "familyName": "family_name", "displayName": "display_name"}
        return {names.get(name, name): value for name, value in self.model_dump(exclude_unset=True).items()}


# --- Responses ------------------------------------------------------------------------------------


class ServiceAccount(Audited):
    id: Id
    username: str
    description: str


class MyOrganization(Schema):
    organization: Organization
    memberId: Id
    roleIds: list[Id]


class Me(Schema):
    root: dict[str, Any]
    user: User | None
    serviceAccount: ServiceAccount | None
    organization: Organization | None
    member: Member | None
    organizations: list[MyOrganization]


class Email(Schema):
    id: Id
    email: str
    primary: bool
    verified: bool
    verifiedAt: Timestamp | None
    createdAt: Timestamp


class EmailPage(Schema):
    """MarkerPage<Email>: `marker` only when there is a next page."""

    items: list[Email]
    marker: str | None = None


class Login(Schema):
    id: Id
    current: bool
    method: Literal["password", "code", "sso"]
    mfa: bool
    tokenType: Literal["Bearer", "DPoP"]
    organizationId: Id | None
    ipAddress: str
    userAgent: str
    device: str | None
    createdAt: Timestamp
    lastUsedAt: Timestamp
    expiresAt: Timestamp


class LoginList(Schema):
    items: list[Login]


class TrustedDevice(Schema):
    id: Id
    name: str
    ipAddress: str
    userAgent: str
    createdAt: Timestamp
    lastUsedAt: Timestamp
    expiresAt: Timestamp


class TrustedDeviceList(Schema):
    items: list[TrustedDevice]


class MyTeam(TeamSummary):
    roleIds: list[Id]
    inherited: bool


class MyTeamList(Schema):
    items: list[MyTeam]
    included: TeamRolesIncluded


class UserPage(Schema):
    """MarkerPage<User>: `marker` only when there is a next page."""

    items: list[User]
    marker: str | None = None


class CreatedUser(Schema):
    """POST /users: the account, its membership, and the temporary password (shown only here)."""

    user: User
    member: Member
    temporaryPassword: str | None


class TemporaryPassword(Schema):
    temporaryPassword: str
    expiresAt: Timestamp


# --- Model -> wire ---------------------------------------------------------------------------------


def me_data(user: models.User, organization, member, memberships: list[models.Member]) -> dict:
    """Me (§2.1): the caller, their membership in the organization in context, and all their organizations."""
    return {
        "root": {},
        "user": user_data(user, member),
        "serviceAccount": None,
        "organization": organization_data(organization) if organization else None,
        "member": member_data(member) if member else None,
        "organizations": [
            {
                "organization": organization_data(m.organization),
                "memberId": m.id,
                "roleIds": [role.id for role in m.roles.all()],
            }
            for m in memberships
        ],
    }


def email_data(address: EmailAddress) -> dict:
    """Email (§2.1)."""
    row = record(address)
    return {
        "id": row.id,
        "email": address.email,
        "primary": address.primary,
        "verified": address.verified,
        "verifiedAt": row.verified_at if address.verified else None,
        "createdAt": row.created_at,
    }


def login_data(login: models.Login, current: models.Login) -> dict:
    """Login (§2.1); `current` marks the calling login."""
    return {
        "id": login.id,
        "current": login.pk == current.pk,
        "method": login.method,
        "mfa": login.mfa,
        "tokenType": login.token_type,
        "organizationId": login.organization_id,
        "ipAddress": login.ip_address,
        "userAgent": login.user_agent,
        "device": login.device,
        "createdAt": login.created_at,
        "lastUsedAt": login.last_used_at,
        "expiresAt": login.expires_at,
    }


def trusted_device_data(device: TrustedDeviceModel) -> dict:
    """TrustedDevice (§2.1)."""
    return {
        "id": device.id,
        "name": device.name,
        "ipAddress": device.ip_address,
        "userAgent": device.user_agent,
        "createdAt": device.created_at,
        "lastUsedAt": device.last_used_at,
        "expiresAt": device.expires_at,
    }


def my_team_data(team: models.Team, member_count: int, role_ids: list[str], inherited: bool) -> dict:
    """MyTeam: a team of the caller with their team roles, inherited (allTeams) or explicit."""
    return {**team_summary_data(team, member_count), "roleIds": role_ids, "inherited": inherited}
