"""TOTP and recovery codes on allauth.mfa (Authenticator, TOTP, RecoveryCodes); enrollment is stateless here."""

from datetime import timedelta
from urllib.parse import quote

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt, encrypt
from django.db import transaction
from django.utils import timezone

from localplatform.accounts.models import PendingTotp, TrustedDevice
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Login, Organization, User
from localplatform.identity.services.tokens import revoke_all_logins

ENROLLMENT_SECONDS = 600
ISSUER = "LakeSail"


def _totp(user: User) -> TOTP | None:
    instance = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return TOTP(instance) if instance else None


def _recovery(user: User) -> RecoveryCodes | None:
    instance = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    return RecoveryCodes(instance) if instance else None


def _pending(user: User) -> PendingTotp | None:
    return PendingTotp.objects.filter(user=user, expires_at__gt=timezone.now()).first()


def display(code: str) -> str:
    """allauth's 8-digit recovery code as the contract's xxxx-xxxx."""
    return f"{code[:4]}-{code[4:]}"


def recovery_codes_remaining(user: User) -> int:
    codes = _recovery(user)
    return len(codes.get_unused_codes()) if codes else 0


def status(user: User, organization: Organization | None) -> dict:
    """MfaStatus (§2.1); `required` is the token's organization's requireMfa."""
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return {
        "enabled": totp is not None,
        "methods": ["totp"] if totp else [],
        "totpConfirmedAt": totp.created_at if totp else None,
        "recoveryCodesRemaining": recovery_codes_remaining(user),
        "enrollmentPending": totp is None and _pending(user) is not None,
        "required": bool(organization and organization.require_mfa),
    }


def start_enrollment(user: User) -> dict:
    """A new TOTP secret (replacing a pending one) for an authenticator app, valid 600 s to confirm."""
    if _totp(user) is not None:
        raise PlatformError("invalid_state", "MFA is already enabled; reset it first.")
    secret = generate_totp_secret()  # 20 random bytes: 32 base32 characters
    expires_at = timezone.now() + timedelta(seconds=ENROLLMENT_SECONDS)
    PendingTotp.objects.update_or_create(user=user, defaults={"secret": encrypt(secret), "expires_at": expires_at})
    label = quote(f"{ISSUER}:{user.email}", safe=":@")
    uri = f"otpauth://totp/{label}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30"
    return {"secret": secret, "otpauthUri": uri, "expiresAt": expires_at}


@transaction.atomic
def confirm_enrollment(user: User, code: str, organization: Organization | None) -> dict:
    """Turn TOTP on with one code from the app; returns the 10 recovery codes (once) and lifts the gate."""
    pending = _pending(user)
    if pending is None or _totp(user) is not None:
        raise PlatformError("invalid_state", "There is no pending TOTP enrollment; start again.")
    totp = TOTP.activate(user, decrypt(pending.secret))
    if not totp.validate_code(code):
        raise invalid({"code": "incorrect code"}, "The code does not match your authenticator app.")
    pending.delete()
    Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
    codes = RecoveryCodes.activate(user)
    User.objects.filter(pk=user.pk).update(mfa_enabled=True)
    user.mfa_enabled = True
    Login.objects.filter(user=user, mfa_enrollment_required=True).update(mfa_enrollment_required=False)
    return {"recoveryCodes": [display(c) for c in codes.generate_codes()], "mfa": status(user, organization)}


def check_totp(user: User, code: str) -> bool:
    """A current TOTP code of the user's app (each code is accepted once, allauth's replay guard)."""
    totp = _totp(user)
    return bool(totp and code and totp.validate_code(code))


def use_recovery_code(user: User, code: str) -> bool:
    """Spend one unused recovery code (xxxx-xxxx, dash optional)."""
    codes = _recovery(user)
    return bool(codes and code.strip() and codes.validate_code(code.strip()))


@transaction.atomic
def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """A new set of 10 codes; the old ones stop working. Needs a current TOTP code."""
    if _totp(user) is None:
        raise PlatformError("invalid_state", "MFA is not enabled.")
    if not check_totp(user, code):
        raise invalid({"code": "incorrect code"}, "The code does not match your authenticator app.")
    Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
    return [display(c) for c in RecoveryCodes.activate(user).generate_codes()]


@transaction.atomic
def reset(user: User) -> None:
    """Delete TOTP, recovery codes, a pending enrollment and trusted devices; end every login (§3.3.15, §3.8.1)."""
    Authenticator.objects.filter(user=user).delete()
    PendingTotp.objects.filter(user=user).delete()
    TrustedDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(mfa_enabled=False)
    user.mfa_enabled = False
    revoke_all_logins(user)


def reset_own(user: User, password: str | None, code: str | None) -> None:
    """POST /me/mfa/reset: proof by the current password or a current TOTP code, then reset."""
    if _totp(user) is None and _pending(user) is None:
        raise PlatformError("invalid_state", "MFA is not enabled and no enrollment is pending.")
    if (password is None) == (code is None):
        raise invalid({"password": "give your password or a code", "code": "give your password or a code"})
    if password is not None and not user.check_password(password):
        raise invalid({"password": "incorrect"}, "The password is incorrect.")
    if code is not None and not check_totp(user, code):
        raise invalid({"code": "incorrect code"}, "The code does not match your authenticator app.")
    reset(user)


def trusted_devices(user: User) -> list[TrustedDevice]:
    """The user's unexpired devices that skip the MFA step, most recently used first."""
    devices = TrustedDevice.objects.filter(user=user, expires_at__gt=timezone.now())
    return list(devices.order_by("-last_used_at", "id"))


def forget_trusted_device(user: User, device_id: str) -> None:
    """Forget one of the user's devices, so its next login needs MFA again; 404 for anyone else's."""
    deleted, _ = TrustedDevice.objects.filter(pk=device_id, user=user, expires_at__gt=timezone.now()).delete()
    if not deleted:
        raise not_found("trusted device")
