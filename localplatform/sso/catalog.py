"""The identity-provider types the local platform ships (contract §2.2 "Types shipped").

Code reads this module (so a database flush in tests cannot lose it); the data migration mirrors it into
the `IdentityProviderType` table for anyone reading the database directly.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

# When this catalogue was written: the types' createdAt and updatedAt.
PUBLISHED = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ProviderType:
    id: str
    name: str
    description: str
    dcr: bool  # RFC 7591 dynamic client registration
    dcr_token: bool  # registration needs an initial access token
    documentation_url: str
    setup_complexity: str  # low | medium | high
    vendor_type: str  # cloud | self_hosted
    default_issuer: str
    issuer_template: str
    requires_client_secret: bool = True  # LakeSail is a confidential client (client_secret_basic)
    enabled: bool = True
    visible: bool = True

    def data(self, display_order: int) -> dict:
        """The IdentityProviderType object of §2.2."""
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "providerType": "oidc",
            "capabilities": {
                "dcr": {
                    "supported": self.dcr,
                    "requiresToken": self.dcr_token,
                    "tokenType": "initial_access_token" if self.dcr_token else "none",
                },
                "requiresClientSecret": self.requires_client_secret,
            },
            "metadata": {
                "documentationUrl": self.documentation_url,
                "logoUrl": "",
                "setupComplexity": self.setup_complexity,
                "vendorType": self.vendor_type,
                "defaultIssuer": self.default_issuer,
                "issuerTemplate": self.issuer_template,
            },
            "enabled": self.enabled,
            "visible": self.visible,
            "displayOrder": display_order,
            "createdAt": PUBLISHED,
            "updatedAt": PUBLISHED,
        }


TYPES: tuple[ProviderType, ...] = (
    ProviderType(
        "okta",
        "Okta",
        "Okta Workforce Identity: an OIDC web app in your Okta org.",
        dcr=True,
        dcr_token=True,
        documentation_url="https://developer.okta.com/docs/guides/sign-into-web-app-redirect/",
        setup_complexity="medium",
        vendor_type="cloud",
        default_issuer="",
        issuer_template="https://{yourOktaDomain}/oauth2/default",
    ),
    ProviderType(
        "entra-id",
        "Microsoft Entra ID",
        "Microsoft Entra ID (Azure AD): an app registration in your tenant.",
        dcr=False,
        dcr_token=False,
        documentation_url="https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc",
        setup_complexity="medium",
        vendor_type="cloud",
        default_issuer="",
        issuer_template="https://login.microsoftonline.com/{tenantId}/v2.0",
    ),
    ProviderType(
        "google-workspace",
        "Google Workspace",
        "Google Workspace accounts through a Google Cloud OAuth client.",
        dcr=False,
        dcr_token=False,
        documentation_url="https://developers.google.com/identity/openid-connect/openid-connect",
        setup_complexity="low",
        vendor_type="cloud",
        default_issuer="https://accounts.google.com",
        issuer_template="https://accounts.google.com",
    ),
    ProviderType(
        "auth0",
        "Auth0",
        "An Auth0 tenant; auto-setup needs dynamic client registration turned on in the tenant.",
        dcr=True,
        dcr_token=False,
        documentation_url="https://auth0.com/docs/get-started/applications/dynamic-client-registration",
        setup_complexity="low",
        vendor_type="cloud",
        default_issuer="",
        issuer_template="https://{yourTenant}.auth0.com/",
    ),
    ProviderType(
        "keycloak",
        "Keycloak",
        "A Keycloak realm; auto-setup needs an initial access token from the realm's client registration.",
        dcr=True,
        dcr_token=True,
        documentation_url="https://www.keycloak.org/docs/latest/securing_apps/#_client_registration",
        setup_complexity="medium",
        vendor_type="self_hosted",
        default_issuer="",
        issuer_template="https://{host}/realms/{realm}",
    ),
    ProviderType(
        "generic-oidc",
        "OpenID Connect",
        "Any OpenID Connect provider with discovery; auto-setup when it offers dynamic client registration.",
        dcr=True,
        dcr_token=False,
        documentation_url="https://openid.net/specs/openid-connect-discovery-1_0.html",
        setup_complexity="high",
        vendor_type="self_hosted",
        default_issuer="",
        issuer_template="https://{issuer}",
    ),
)
BY_ID = {provider_type.id: provider_type for provider_type in TYPES}


def listed() -> list[dict]:
    """The types an organization can configure (enabled and visible), by displayOrder (§3.2.1)."""
    return [t.data(order) for order, t in enumerate(TYPES, start=1) if t.enabled and t.visible]


def usable(type_id: str) -> ProviderType | None:
    """The enabled type with this id, or None."""
    found = BY_ID.get(type_id)
    return found if found is not None and found.enabled else None


def load(apps) -> None:
    """Mirror the catalogue into the database (idempotent): the data migration."""
    model = apps.get_model("sso", "IdentityProviderType")
    for order, provider_type in enumerate(TYPES, start=1):
        data = provider_type.data(order)
        model.objects.update_or_create(
            id=provider_type.id,
            defaults={
                "name": data["name"],
                "description": data["description"],
                "provider_type": data["providerType"],
                "capabilities": data["capabilities"],
                "metadata": data["metadata"],
                "enabled": data["enabled"],
                "visible": data["visible"],
                "display_order": order,
                "created_at": PUBLISHED,
                "updated_at": PUBLISHED,
            },
        )
    model.objects.exclude(id__in=list(BY_ID)).delete()
