"""mfa: the login MFA step, TOTP enrollment, recovery codes, reset (contract §3.1.4, §3.8)."""

from typing import Any

from console.client.account_models import MfaStatus, RecoveryCodes, TotpConfirmation, TotpEnrollment
from console.client.base import Platform, parse
from console.client.models import TokenResponse


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


def get_mfa(platform: Platform) -> MfaStatus:
    """GET /me/mfa"""
    return parse(MfaStatus, platform.call("GET", "/me/mfa", scoped=False))


def start_totp(platform: Platform) -> TotpEnrollment:
    """POST /me/mfa/totp"""
    return parse(TotpEnrollment, platform.call("POST", "/me/mfa/totp", body={}, scoped=False))


def confirm_totp(platform: Platform, *, code: str) -> TotpConfirmation:
    """POST /me/mfa/totp/confirm"""
    return parse(TotpConfirmation, platform.call("POST", "/me/mfa/totp/confirm", body={"code": code}, scoped=False))


def regenerate_recovery_codes(platform: Platform, *, code: str) -> RecoveryCodes:
    """POST /me/mfa/recovery-codes"""
    data = platform.call("POST", "/me/mfa/recovery-codes", body={"code": code}, scoped=False)
    return parse(RecoveryCodes, data)


def reset_mfa(platform: Platform, *, password: str | None = None, code: str | None = None) -> None:
    """POST /me/mfa/reset"""
    body = {"password": password} if password else {"code": code}
    platform.call("POST", "/me/mfa/reset", body=body, scoped=False)
