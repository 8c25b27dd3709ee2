"""What several areas share: ids, timestamps, inputs, lists, the Error object and the identity entities (§2.1)."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Literal

from django.db.models import Count
from django.db.models.functions import Lower
from ninja import Schema
from pydantic import ConfigDict, PlainSerializer, StringConstraints

from localplatform.identity import models


def rfc3339(value: datetime) -> str:
    """UTC, second precision, Z suffix (§1.3)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Timestamp = Annotated[datetime, PlainSerializer(rfc3339, return_type=str)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,20}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
EmailAddress = Annotated[str, StringConstraints(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class Input(Schema):
    """Base of every request body: unknown fields are a 422 (§1.1)."""

    model_config = ConfigDict(extra="forbid")


class EmailIn(Input):
    """`{ email }`: one-time codes, password reset, verification resend, adding an address."""

    email: EmailAddress


class Items[T](Schema):
    """A list without paging: `{ items }`."""

    items: list[T]


class Page[T](Schema):
    """Page style (§1.8): `{ total, items }`; list operations with `included` extend it."""

    total: int
    items: list[T]


# --- Errors (documentation only: exception handlers build these bodies) -------------------------

ErrorType = Literal[
    "validation", "authentication", "authorization", "not_found", "conflict", "rate_limited", "unavailable", "internal"
]


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


class Role(Audited):
    id: Id
    organizationId: Id
    name: str
    description: str
    allTeams: bool
    breakGlass: bool
    key: Literal["owner", "admin", "billing_viewer", "auditor", "member", "team_admin", "contributor", "viewer"]
    scope: Literal["organization", "team"]


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


class TeamRolesIncluded(Schema):
    teamRoles: list[Role]


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


def catalogue(scope: str, organization_id: str) -> list[dict]:
    """The whole fixed role catalogue of one scope (§1.9)."""
    return [role_data(role, organization_id) for role in models.Role.objects.filter(scope=scope)]


def team_roles_included(organization_id: str) -> dict:
    """`included.teamRoles`: the whole fixed team-role catalogue (§1.9)."""
    return {"teamRoles": catalogue(models.Role.TEAM, organization_id)}


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


def team_summaries(team_ids: Iterable[str]) -> list[dict]:
    """TeamSummary of each team, by name; a fixed number of queries."""
    teams = (
        models.Team.objects.filter(id__in=set(team_ids))
        .annotate(member_count=Count("memberships"))
        .order_by(Lower("name"), "id")
    )
    return [team_summary_data(team, team.member_count) for team in teams]


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
