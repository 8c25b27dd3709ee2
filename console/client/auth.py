"""authentication: password login, token refresh, logout (contract §3.1)."""

from typing import Any

from console.client.base import Platform, parse
from console.client.models import MfaChallenge, TokenResponse


def login(
    platform: Platform,
    *,
    email: str,
    password: str,
    organization_id: str | None = None,
    trusted_device_token: str | None = None,
) -> TokenResponse | MfaChallenge:
    """POST /auth/login"""
    body: dict[str, Any] = {"email": email, "password": password}
    if organization_id:
        body["organizationId"] = organization_id
    if trusted_device_token:
        body["trustedDeviceToken"] = trusted_device_token
    data = platform.call("POST", "/auth/login", body=body, auth=False, scoped=False)
    if isinstance(data, dict) and data.get("mfaRequired"):
        return parse(MfaChallenge, data)
    return parse(TokenResponse, data)


def refresh(platform: Platform, *, refresh_token: str, organization_id: str | None = None) -> TokenResponse:
    """POST /auth/token/refresh"""
    body: dict[str, Any] = {"refreshToken": refresh_token}
    if organization_id:
        body["organizationId"] = organization_id
    return parse(TokenResponse, platform.call("POST", "/auth/token/refresh", body=body, auth=False, scoped=False))


def logout(platform: Platform, *, all_logins: bool = False) -> None:
    """POST /auth/logout"""
    platform.call("POST", "/auth/logout", body={"allLogins": True} if all_logins else {}, scoped=False)
