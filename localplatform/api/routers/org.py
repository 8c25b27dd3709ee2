"""/org/settings: the organization's security and session settings (contract §3.14)."""

from typing import Annotated

from ninja import Router
from pydantic import Field, StrictBool, StrictInt, StringConstraints, field_validator

from localplatform.api import shapes
from localplatform.api.auth import BearerAuth
from localplatform.api.schemas import Id, Input
from localplatform.errors import invalid
from localplatform.identity.models import Role
from localplatform.identity.services import directory

router = Router(tags=["organization"], auth=BearerAuth())

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]


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


@router.get(
    "/settings",
    response={200: shapes.OrganizationSettings, **shapes.errors(400, 401, 403)},
    summary="Get organization settings",
)
def settings_show(request):
    """Shows the organization's security and session settings."""
    actor = request.auth
    actor.require("CanViewOrganization")
    return shapes.settings_data(actor.organization)


@router.patch(
    "/settings",
    response={200: shapes.OrganizationSettings, **shapes.errors(400, 401, 403, 422)},
    summary="Update organization settings",
)
def settings_update(request, body: SettingsPatch):
    """Changes organization settings; only the fields present in the body."""
    actor = request.auth
    actor.require("CanManageOrganization")
    changes = body.model_dump(exclude_unset=True)
    default_role = None
    if "defaultRoleId" in changes:
        default_role = (
            Role.objects.filter(id=changes["defaultRoleId"], scope=Role.ORGANIZATION).exclude(key="owner").first()
        )
        if default_role is None:
            raise invalid({"defaultRoleId": "must be an organization role other than Owner"})
    organization = directory.update_settings(
        actor.organization,
        by=actor.member,
        name=changes.get("organizationName"),
        require_dpop=changes.get("requireDpop"),
        require_mfa=changes.get("requireMfa"),
        session_lifetime_minutes=changes.get("sessionLifetimeMinutes"),
        invitation_expiry_hours=changes.get("invitationExpiryHours"),
        trusted_device_lifetime_days=changes.get("trustedDeviceLifetimeDays"),
        default_role=default_role,
    )
    return shapes.settings_data(organization)
