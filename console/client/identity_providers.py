"""identity-providers: the provider types and an organization's SSO identity providers (contract §3.2)."""

from typing import Any

from console.client.base import Platform, parse
from console.client.models.common import Items
from console.client.models.identity_providers import (
    IdentityProvider,
    IdentityProviderPage,
    IdentityProviderType,
    IdpTestResult,
)
from console.client.paths import segment

UNSET: Any = object()  # "leave unchanged" for PATCH fields


def _optional(**fields: Any) -> dict[str, Any]:
    """The body fields that were given (None and UNSET are left out)."""
    return {key: value for key, value in fields.items() if value is not None and value is not UNSET}


def list_identity_provider_types(platform: Platform) -> list[IdentityProviderType]:
    """GET /auth/identity-provider-types"""
    data = platform.call("GET", "/auth/identity-provider-types", scoped=False)
    return parse(Items[IdentityProviderType], data).items


def list_identity_providers(platform: Platform, *, limit: int = 100, marker: str | None = None) -> IdentityProviderPage:
    """GET /auth/idps"""
    params: dict[str, Any] = {"limit": limit, **_optional(marker=marker)}
    return parse(IdentityProviderPage, platform.call("GET", "/auth/idps", params=params))


def create_identity_provider(
    platform: Platform,
    *,
    type_id: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None = None,
    scopes: list[str] | None = None,
    email_domains: list[str] | None = None,
    auto_provision: bool = False,
    status: str = "active",
) -> IdentityProvider:
    """POST /auth/idps"""
    body = {
        "typeId": type_id,
        "name": name,
        "issuer": issuer,
        "clientId": client_id,
        "autoProvision": auto_provision,
        "status": status,
        **_optional(clientSecret=client_secret, scopes=scopes, emailDomains=email_domains),
    }
    return parse(IdentityProvider, platform.call("POST", "/auth/idps", body=body))


def auto_setup_identity_provider(
    platform: Platform,
    *,
    name: str,
    provider_url: str,
    type_id: str | None = None,
    initial_access_token: str | None = None,
    scopes: list[str] | None = None,
    email_domains: list[str] | None = None,
    auto_provision: bool = False,
) -> IdentityProvider:
    """POST /auth/idps/auto-setup"""
    body = {
        "name": name,
        "providerUrl": provider_url,
        "autoProvision": auto_provision,
        **_optional(typeId=type_id, initialAccessToken=initial_access_token, scopes=scopes, emailDomains=email_domains),
    }
    return parse(IdentityProvider, platform.call("POST", "/auth/idps/auto-setup", body=body))


def describe_identity_provider(platform: Platform, idp_id: str) -> IdentityProvider:
    """GET /auth/idps/{idp}"""
    return parse(IdentityProvider, platform.call("GET", f"/auth/idps/{segment(idp_id)}"))


def update_identity_provider(
    platform: Platform,
    idp_id: str,
    *,
    name=UNSET,
    issuer=UNSET,
    client_id=UNSET,
    scopes=UNSET,
    email_domains=UNSET,
    auto_provision=UNSET,
    status=UNSET,
) -> IdentityProvider:
    """PATCH /auth/idps/{idp}"""
    changes = {
        "name": name,
        "issuer": issuer,
        "clientId": client_id,
        "scopes": scopes,
        "emailDomains": email_domains,
        "autoProvision": auto_provision,
        "status": status,
    }
    body = {key: value for key, value in changes.items() if value is not UNSET}
    return parse(IdentityProvider, platform.call("PATCH", f"/auth/idps/{segment(idp_id)}", body=body))


def delete_identity_provider(platform: Platform, idp_id: str) -> None:
    """DELETE /auth/idps/{idp}"""
    platform.call("DELETE", f"/auth/idps/{segment(idp_id)}")


def rotate_identity_provider_secret(platform: Platform, idp_id: str, *, client_secret: str) -> IdentityProvider:
    """POST /auth/idps/{idp}/rotate-secret"""
    path = f"/auth/idps/{segment(idp_id)}/rotate-secret"
    return parse(IdentityProvider, platform.call("POST", path, body={"clientSecret": client_secret}))


def test_identity_provider(platform: Platform, idp_id: str) -> IdpTestResult:
    """POST /auth/idps/{idp}/test"""
    return parse(IdpTestResult, platform.call("POST", f"/auth/idps/{segment(idp_id)}/test"))
