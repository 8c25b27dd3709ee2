"""Identity-provider shapes (contract §2.2) and the start of an SSO sign-in (§3.1.7)."""

from typing import Literal

from pydantic import AwareDatetime, Field

from console.client.models.common import Audit, Model

IdpStatus = Literal["active", "disabled", "error"]


class DcrCapability(Model):
    supported: bool
    requires_token: bool = False
    token_type: str = "none"


class Capabilities(Model):
    dcr: DcrCapability
    requires_client_secret: bool = True


class TypeMetadata(Model):
    documentation_url: str = ""
    logo_url: str = ""
    setup_complexity: str = ""
    vendor_type: str = ""
    default_issuer: str = ""
    issuer_template: str = ""


class IdentityProviderType(Model):
    id: str
    name: str
    description: str = ""
    provider_type: str = "oidc"
    capabilities: Capabilities
    metadata: TypeMetadata = Field(default_factory=TypeMetadata)
    enabled: bool = True
    visible: bool = True
    display_order: int = 0


class Discovery(Model):
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    registration_endpoint: str | None = None


class IdentityProvider(Audit):
    id: str
    type_id: str
    name: str
    issuer: str
    client_id: str
    client_secret_set: bool = False
    scopes: list[str] = []
    status: IdpStatus = "active"
    status_message: str | None = None
    setup_method: Literal["manual", "auto_setup"] = "manual"
    email_domains: list[str] = []
    auto_provision: bool = False
    discovery: Discovery | None = None
    last_tested_at: AwareDatetime | None = None
    client_secret_rotated_at: AwareDatetime | None = None


class IdentityProviderPage(Model):
    """GET /auth/idps: marker style (§1.8); `marker` is absent on the last page."""

    items: list[IdentityProvider]
    marker: str | None = None


class IdpTestResult(Model):
    success: bool
    checked_at: AwareDatetime
    message: str = ""
    discovery: Discovery | None = None


class SsoStart(Model):
    """Where to send the browser to sign in with SSO; `state` comes back on the callback."""

    authorization_url: str = Field(repr=False)
    state: str = Field(repr=False)
    expires_in: int = 600
