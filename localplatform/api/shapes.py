"""Wire shapes of the identity entities (contract §2.1) and the functions that turn models into them.

Schema names are the contract's entity names and field names are the camelCase wire names, so the
OpenAPI document reads like the contract. Routers return plain dicts built by the `*_data` functions
below; ninja validates them against these schemas on the way out.
"""

from typing import Any, Literal

from ninja import Schema

from localplatform.api.schemas import Id, Page, Timestamp
from localplatform.identity import models

ObjectType = Literal[
    "organization",
    "team",
    "connection",
    "network",
    "cluster",
    "catalog",
    "query",
    "job",
    "notebook",
    "session",
    "workload_config",
    "secret",
]


ErrorType = Literal[
    "validation", "authentication", "authorization", "not_found", "conflict", "rate_limited", "unavailable", "internal"
]

# --- Errors (documentation only: exception handlers build these bodies) -------------------------


class ErrorDetails(Schema):
    retryable: bool
    retryAfter: int | None
    fieldErrors: dict[str, str]
    requestId: str
    causedBy: str | None


class Error(Schema):
    """Every 4xx/5xx body (§1.6)."""

    code: str
    message: str
    errorType: ErrorType
    details: ErrorDetails


def errors(*statuses: int) -> dict[int, type[Error]]:
    """Error responses to list on an operation, for the OpenAPI document."""
    return dict.fromkeys(statuses, Error)


# --- Entities ------------------------------------------------------------------------------------


class Audited(Schema):
    createdAt: Timestamp
    createdBy: Id | None
    updatedAt: Timestamp
    updatedBy: Id | None


class Organization(Schema):
    id: Id
    name: str
    createdAt: Timestamp


class Permission(Schema):
    relation: str
    description: str
    validObjectTypes: list[ObjectType]
    systemOnly: bool


class PermissionBundle(Schema):
    key: str
    name: str
    description: str
    relations: list[str]


class Role(Audited):
    id: Id
    organizationId: Id
    name: str
    description: str
    allTeams: bool
    breakGlass: bool
    key: Literal["owner", "admin", "billing_viewer", "auditor", "member", "team_admin", "contributor", "viewer"]
    scope: Literal["organization", "team"]


class RoleSummary(Schema):
    role: Role
    memberCount: int
    permissionCount: int


class RoleDetail(RoleSummary):
    permissions: list[Permission]
    bundles: list[PermissionBundle]


class Team(Audited):
    id: Id
    organizationId: Id
    name: str
    defaultRoleId: Id
    description: str | None


class TeamSummary(Schema):
    team: Team
    memberCount: int


class User(Audited):
    id: Id
    email: str
    givenName: str
    familyName: str
    displayName: str
    status: Literal["active", "disabled"]
    emailVerified: bool
    mfaEnabled: bool
    lastLoginAt: Timestamp | None
    memberId: Id | None
    accountType: Literal["managed", "external"] | None


class ServiceAccount(Audited):
    id: Id
    username: str
    description: str


class Member(Audited):
    id: Id
    organizationId: Id
    userId: Id
    email: str
    givenName: str
    familyName: str
    displayName: str
    accountType: Literal["managed", "external"]
    status: Literal["active", "deactivated"]
    mfaEnabled: bool
    lastLoginAt: Timestamp | None
    joinedAt: Timestamp


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


class TokenResponse(Schema):
    accessToken: str
    tokenType: Literal["Bearer", "DPoP"]
    expiresIn: int
    refreshToken: str
    trustedDeviceToken: str | None = None  # present only after an MFA login that trusts the device
    organizationId: Id | None
    mfaEnrollmentRequired: bool


class OrganizationSettings(Schema):
    organizationId: Id
    organizationName: str
    requireDpop: bool
    requireMfa: bool
    sessionLifetimeMinutes: int
    invitationExpiryHours: int
    trustedDeviceLifetimeDays: int
    defaultRoleId: Id
    updatedAt: Timestamp
    updatedBy: Id | None


class MemberRow(Schema):
    memberId: Id
    roleIds: list[Id]
    teamIds: list[Id]


class MemberSearchIncluded(Schema):
    members: list[Member]
    roles: list[Role]
    teams: list[TeamSummary]


class MemberPage(Page[MemberRow]):
    included: MemberSearchIncluded


class RolePage(Page[RoleSummary]):
    pass


class TeamPage(Page[TeamSummary]):
    pass


class PermissionList(Schema):
    items: list[Permission]


# --- Model -> wire ---------------------------------------------------------------------------------


def audit_data(obj) -> dict:
    """The four Audit fields of any audited model."""
    return {
        "createdAt": obj.created_at,
        "createdBy": obj.created_by,
        "updatedAt": obj.updated_at,
        "updatedBy": obj.updated_by,
    }


def organization_data(organization: models.Organization) -> dict:
    """Organization."""
    return {"id": organization.id, "name": organization.name, "createdAt": organization.created_at}


def permission_data(permission: models.Permission) -> dict:
    """Permission."""
    return {
        "relation": permission.relation,
        "description": permission.description,
        "validObjectTypes": permission.valid_object_types,
        "systemOnly": permission.system_only,
    }


def bundle_data(bundle: models.PermissionBundle, relations: list[str]) -> dict:
    """PermissionBundle; `relations` are the bundle's relations, sorted."""
    return {"key": bundle.key, "name": bundle.name, "description": bundle.description, "relations": relations}


def role_data(role: models.Role, organization_id: str) -> dict:
    """Role; the catalogue is global, so `organizationId` is the organization in context."""
    return {
        "id": role.id,
        "organizationId": organization_id,
        "name": role.name,
        "description": role.description,
        "allTeams": role.all_teams,
        "breakGlass": role.break_glass,
        **audit_data(role),
        "key": role.key,
        "scope": role.scope,
    }


def team_data(team: models.Team) -> dict:
    """Team."""
    return {
        "id": team.id,
        "organizationId": team.organization_id,
        "name": team.name,
        "defaultRoleId": team.default_role_id,
        **audit_data(team),
        "description": team.description,
    }


def team_summary_data(team: models.Team, member_count: int) -> dict:
    """TeamSummary: the team with its explicit membership count."""
    return {"team": team_data(team), "memberCount": member_count}


def user_data(user: models.User, member: models.Member | None) -> dict:
    """User; `memberId` and `accountType` describe `member`, the membership in the organization in context."""
    return {
        "id": user.id,
        "email": user.email,
        "givenName": user.given_name,
        "familyName": user.family_name,
        "displayName": user.display_name,
        **audit_data(user),
        "status": user.status,
        "emailVerified": user.email_verified,
        "mfaEnabled": user.mfa_enabled,
        "lastLoginAt": user.last_login_at,
        "memberId": member.id if member else None,
        "accountType": member.account_type if member else None,
    }


def member_data(member: models.Member) -> dict:
    """Member, a projection of its user (load `member.user` with select_related)."""
    user = member.user
    return {
        "id": member.id,
        "organizationId": member.organization_id,
        "userId": user.id,
        "email": user.email,
        "givenName": user.given_name,
        "familyName": user.family_name,
        "displayName": user.display_name,
        "accountType": member.account_type,
        "status": member.status,
        "mfaEnabled": user.mfa_enabled,
        "lastLoginAt": user.last_login_at,
        "joinedAt": member.joined_at,
        **audit_data(member),
    }


def settings_data(organization: models.Organization) -> dict:
    """OrganizationSettings."""
    return {
        "organizationId": organization.id,
        "organizationName": organization.name,
        "requireDpop": organization.require_dpop,
        "requireMfa": organization.require_mfa,
        "sessionLifetimeMinutes": organization.session_lifetime_minutes,
        "invitationExpiryHours": organization.invitation_expiry_hours,
        "trustedDeviceLifetimeDays": organization.trusted_device_lifetime_days,
        "defaultRoleId": organization.default_role_id,
        "updatedAt": organization.updated_at,
        "updatedBy": organization.updated_by,
    }
