"""authentication, public flows: sign-up, email verification, password reset, one-time codes (contract §3.1)."""

from typing import Any

from console.client.account_models import EmailVerified
from console.client.base import Platform, parse
from console.client.models import MfaChallenge, TokenResponse


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


def resend_verification(platform: Platform, *, email: str) -> None:
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
