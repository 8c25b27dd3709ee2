"""organization: the organization's settings (contract §3.14)."""

from pydantic import AwareDatetime

from console.client.models.common import Model


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
