"""mfa: MFA status, TOTP enrollment, recovery codes, reset (contract §3.8)."""

from console.client.base import Platform, parse
from console.client.models.mfa import MfaStatus, RecoveryCodes, TotpConfirmation, TotpEnrollment


def describe_mfa(platform: Platform) -> MfaStatus:
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
