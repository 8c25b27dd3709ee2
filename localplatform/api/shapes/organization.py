"""Wire shapes of /org/settings (contract §3.14): the organization's security and session settings."""

from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt, field_validator

from localplatform.api.shapes.common import Id, Input, Name, Timestamp
from localplatform.identity import models


class SettingsPatch(Input):
    organizationName: Name | None = None
    requireDpop: StrictBool | None = None
    requireMfa: StrictBool | None = None
    sessionLifetimeMinutes: Annotated[StrictInt, Field(ge=15, le=43200)] | None = None
    invitationExpiryHours: Annotated[StrictInt, Field(ge=1, le=720)] | None = None
    trustedDeviceLifetimeDays: Annotated[StrictInt, Field(ge=1, le=90)] | None = None
    defaultRoleId: Id | None = None

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value):
        # Every setting has a value: an omitted field keeps it, an explicit null is a mistake (§1.5).
        if value is None:
            raise ValueError("must not be null")
        return value


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
