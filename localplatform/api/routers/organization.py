"""/org/settings (contract §3.14): the organization's security and session settings."""

from ninja import Router

from localplatform.api.auth import BearerAuth
from localplatform.api.shapes import organization as shapes
from localplatform.api.shapes.common import errors
from localplatform.identity.services import directory

router = Router(tags=["organization"], auth=BearerAuth())


@router.get(
    "/settings",
    response={200: shapes.OrganizationSettings, **errors(400, 401, 403)},
    summary="Get organization settings",
)
def describe_settings(request):
    """Shows the organization's security and session settings."""
    actor = request.auth
    actor.require("CanViewOrganization")
    return shapes.settings_data(actor.organization)


@router.patch(
    "/settings",
    response={200: shapes.OrganizationSettings, **errors(400, 401, 403, 422)},
    summary="Update organization settings",
)
def update_settings(request, body: shapes.SettingsPatch):
    """Changes organization settings; only the fields present in the body."""
    actor = request.auth
    actor.require("CanManageOrganization")
    changes = body.model_dump(exclude_unset=True)
    organization = directory.update_settings(
        actor.organization,
        by=actor.member,
        name=changes.get("organizationName"),
        require_dpop=changes.get("requireDpop"),
        require_mfa=changes.get("requireMfa"),
        session_lifetime_minutes=changes.get("sessionLifetimeMinutes"),
        invitation_expiry_hours=changes.get("invitationExpiryHours"),
        trusted_device_lifetime_days=changes.get("trustedDeviceLifetimeDays"),
        default_role_id=changes.get("defaultRoleId"),
    )
    return shapes.settings_data(organization)
