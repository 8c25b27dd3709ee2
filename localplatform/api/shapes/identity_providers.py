"""Wire shapes of /auth/identity-provider-types and /auth/idps (contract §2.2, §3.2)."""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StrictBool, StringConstraints, field_validator

from localplatform.api.shapes.common import Audited, Id, Input, Name, Timestamp, audit_data
from localplatform.sso.models import IdentityProvider as IdentityProviderModel
from localplatform.sso.services.identity_providers import domains_of

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
Scopes = Annotated[list[Annotated[str, StringConstraints(max_length=128)]], Field(min_length=1, max_length=20)]
Domains = Annotated[list[Annotated[str, StringConstraints(max_length=253)]], Field(max_length=20)]
Status = Literal["active", "disabled"]

# --- Requests -------------------------------------------------------------------------------------


class IdentityProviderCreate(Input):
    typeId: Slug
    name: Name
    issuer: Url
    clientId: ClientId
    clientSecret: Secret | None = None
    scopes: Scopes | None = None
    emailDomains: Domains = []
    autoProvision: StrictBool = False
    status: Status = "active"


class AutoSetupIn(Input):
    name: Name
    providerUrl: Url
    typeId: Slug = "generic-oidc"
    initialAccessToken: Annotated[str, StringConstraints(min_length=1, max_length=4096)] | None = None
    scopes: Scopes | None = None
    emailDomains: Domains = []
    autoProvision: StrictBool = False


class IdentityProviderPatch(Input):
    name: Name | None = None
    issuer: Url | None = None
    clientId: ClientId | None = None
    scopes: Scopes | None = None
    emailDomains: Domains | None = None
    autoProvision: StrictBool | None = None
    status: Status | None = None
    clientSecret: object = None  # not accepted here: present only to answer with a clear 422 (§3.2.7)

    @field_validator("name", "issuer", "clientId", "scopes", "emailDomains", "autoProvision", "status", mode="before")
    @classmethod
    def not_null(cls, value):
        if value is None:  # nothing of a provider can be cleared (§1.5: null clears only nullable fields)
            raise ValueError("must not be null")
        return value


class SecretIn(Input):
    clientSecret: Secret


# --- Responses ------------------------------------------------------------------------------------


class DcrCapability(Schema):
    supported: bool
    requiresToken: bool
    tokenType: Literal["initial_access_token", "none"]


class Capabilities(Schema):
    dcr: DcrCapability
    requiresClientSecret: bool


class TypeMetadata(Schema):
    documentationUrl: str
    logoUrl: str
    setupComplexity: Literal["low", "medium", "high"]
    vendorType: Literal["cloud", "self_hosted"]
    defaultIssuer: str
    issuerTemplate: str


class IdentityProviderType(Schema):
    id: Slug
    name: str
    description: str
    providerType: str
    capabilities: Capabilities
    metadata: TypeMetadata
    enabled: bool
    visible: bool
    displayOrder: int
    createdAt: Timestamp
    updatedAt: Timestamp


class TypeList(Schema):
    items: list[IdentityProviderType]


class Discovery(Schema):
    authorizationEndpoint: str
    tokenEndpoint: str
    jwksUri: str
    userinfoEndpoint: str | None
    registrationEndpoint: str | None


class IdentityProvider(Audited):
    id: Id
    typeId: Slug
    name: str
    issuer: str
    clientId: str
    clientSecretSet: bool
    scopes: list[str]
    status: Literal["active", "disabled", "error"]
    statusMessage: str | None
    setupMethod: Literal["manual", "auto_setup"]
    emailDomains: list[str]
    autoProvision: bool
    discovery: Discovery | None
    lastTestedAt: Timestamp | None
    clientSecretRotatedAt: Timestamp | None


class IdentityProviderPage(Schema):
    items: list[IdentityProvider]
    marker: str | None = None  # absent on the last page (§1.8)


class IdpTestResult(Schema):
    success: bool
    checkedAt: Timestamp
    message: str
    discovery: Discovery | None


def identity_provider_data(provider: IdentityProviderModel) -> dict:
    """IdentityProvider; the client secret is write-only: only whether one is set."""
    return {
        "id": provider.id,
        "typeId": provider.type_id,
        "name": provider.name,
        "issuer": provider.issuer,
        "clientId": provider.client_id,
        "clientSecretSet": bool(provider.client_secret),
        "scopes": provider.scopes,
        "status": provider.status,
        "statusMessage": provider.status_message,
        "setupMethod": provider.setup_method,
        "emailDomains": domains_of(provider),
        "autoProvision": provider.auto_provision,
        "discovery": provider.discovery,
        "lastTestedAt": provider.last_tested_at,
        "clientSecretRotatedAt": provider.client_secret_rotated_at,
        **audit_data(provider),
    }
