"""auth: logging in and out, tokens, sign-up, email verification, password reset, one-time codes, the
MFA step and the permission catalogue (contract §3.1)."""

from typing import Any

from console.client.base import Platform, parse
from console.client.models.auth import EmailVerified, MfaChallenge, TokenResponse
from console.client.models.common import Items, Permission
from console.client.models.identity_providers import SsoStart


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


def refresh_tokens(platform: Platform, *, refresh_token: str, organization_id: str | None = None) -> TokenResponse:
    """POST /auth/token/refresh"""
    body: dict[str, Any] = {"refreshToken": refresh_token}
    if organization_id:
        body["organizationId"] = organization_id
    return parse(TokenResponse, platform.call("POST", "/auth/token/refresh", body=body, auth=False, scoped=False))


def logout(platform: Platform, *, all_logins: bool = False) -> None:
    """POST /auth/logout"""
    platform.call("POST", "/auth/logout", body={"allLogins": True} if all_logins else {}, scoped=False)


def sign_up(
    platform: Platform,
    *,
    email: str,
    password: str,
    given_name: str,
    family_name: str,
    organization_name: str,
    display_name: str | None = None,
) -> None:
    """POST /auth/signup"""
    body: dict[str, Any] = {
        "email": email,
        "password": password,
        "givenName": given_name,
        "familyName": family_name,
        "organizationName": organization_name,
    }
    if display_name:
        body["displayName"] = display_name
    # 202 { emailVerificationRequired: true } for every valid request, registered address or not (§3.1.2).
    platform.call("POST", "/auth/signup", body=body, auth=False, scoped=False)


def verify_email(platform: Platform, *, token: str) -> EmailVerified:
    """POST /auth/email/verify"""
    data = platform.call("POST", "/auth/email/verify", body={"token": token}, auth=False, scoped=False)
    return parse(EmailVerified, data)


def resend_verification_email(platform: Platform, *, email: str) -> None:
    """POST /auth/email/verify/resend"""
    platform.call("POST", "/auth/email/verify/resend", body={"email": email}, auth=False, scoped=False)


def forgot_password(platform: Platform, *, email: str) -> None:
    """POST /auth/password/forgot"""
    platform.call("POST", "/auth/password/forgot", body={"email": email}, auth=False, scoped=False)


def reset_password(platform: Platform, *, token: str, new_password: str) -> None:
    """POST /auth/password/reset"""
    body = {"token": token, "newPassword": new_password}
    platform.call("POST", "/auth/password/reset", body=body, auth=False, scoped=False)


def request_login_code(platform: Platform, *, email: str) -> None:
    """POST /auth/login/code"""
    platform.call("POST", "/auth/login/code", body={"email": email}, auth=False, scoped=False)


def token_or_challenge(data: Any) -> TokenResponse | MfaChallenge:
    """A token-issuing answer: the tokens, or the MFA challenge that stands in for them."""
    if isinstance(data, dict) and data.get("mfaRequired"):
        return parse(MfaChallenge, data)
    return parse(TokenResponse, data)


def verify_login_code(
    platform: Platform, *, email: str, code: str, trusted_device_token: str | None = None
) -> TokenResponse | MfaChallenge:
    """POST /auth/login/code/verify"""
    body: dict[str, Any] = {"email": email, "code": code}
    if trusted_device_token:
        body["trustedDeviceToken"] = trusted_device_token
    return token_or_challenge(platform.call("POST", "/auth/login/code/verify", body=body, auth=False, scoped=False))


def complete_mfa_login(
    platform: Platform,
    *,
    mfa_token: str,
    code: str | None = None,
    recovery_code: str | None = None,
    trust_device: bool = False,
    device_name: str | None = None,
) -> TokenResponse:
    """POST /auth/login/mfa"""
    body: dict[str, Any] = {"mfaToken": mfa_token, "trustDevice": trust_device}
    if code:
        body["code"] = code
    if recovery_code:
        body["recoveryCode"] = recovery_code
    if trust_device and device_name:
        body["deviceName"] = device_name
    return parse(TokenResponse, platform.call("POST", "/auth/login/mfa", body=body, auth=False, scoped=False))


def list_permissions(platform: Platform) -> list[Permission]:
    """GET /auth/permissions"""
    return parse(Items[Permission], platform.call("GET", "/auth/permissions", scoped=False)).items


def start_sso(
    platform: Platform,
    *,
    redirect_uri: str,
    email: str | None = None,
    idp_id: str | None = None,
    organization_id: str | None = None,
) -> SsoStart:
    """GET /auth/sso/start"""
    optional = {"email": email, "idpId": idp_id, "organizationId": organization_id}
    params = {"redirectUri": redirect_uri, **{key: value for key, value in optional.items() if value}}
    return parse(SsoStart, platform.call("GET", "/auth/sso/start", params=params, auth=False, scoped=False))


def complete_sso(platform: Platform, *, query_string: str) -> TokenResponse:
    """GET /auth/sso/callback"""
    # The query the provider sent to the console's callback page, forwarded unchanged (§3.1.8).
    path = "/auth/sso/callback?" + query_string.removeprefix("?")
    return parse(TokenResponse, platform.call("GET", path, auth=False, scoped=False))
