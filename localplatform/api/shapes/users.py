"""Wire shapes of /me (contract §3.3): the caller, their addresses, logins, trusted devices, password and teams."""

from typing import Any, Literal

from allauth.account.models import EmailAddress
from ninja import Schema
from pydantic import Field

from localplatform.accounts.models import TrustedDevice as TrustedDeviceModel
from localplatform.accounts.services.addresses import record
from localplatform.api.shapes.common import (
    Audited,
    Id,
    Input,
    Member,
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
