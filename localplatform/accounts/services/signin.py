"""The steps after the first factor: the MFA challenge, trusted devices, and one-time login codes."""

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from allauth.account.adapter import get_adapter
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from localplatform.accounts import mail
from localplatform.accounts.models import LoginCode, MfaChallenge, TrustedDevice
from localplatform.accounts.services import addresses, mfa
from localplatform.errors import PlatformError
from localplatform.identity.models import Organization, User
from localplatform.identity.services import dpop, tokens

CHALLENGE_SECONDS = 300
MAX_MFA_FAILURES = 5
LOGIN_CODE_SECONDS = 600
MAX_CODE_FAILURES = 5
NO_ORG_TRUSTED_DEVICE_DAYS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def entry_organization(user: User, organization_id: str | None) -> Organization | None:
    """The organization a login enters: the one asked for (checked), else the user's default (§1.4)."""
    if organization_id is not None:
        return tokens.entry_membership(user, organization_id).organization
    return tokens.default_organization(user)


def finish_first_factor(
    user: User,
    organization_id: str | None,
    method: str,
    client: tokens.ClientInfo,
    trusted_device_token: str | None,
) -> dict:
    """TokenResponse, or MfaChallenge when the user has MFA and the device is not trusted (§3.1.3, §3.1.6)."""
    organization = entry_organization(user, organization_id)
    dpop.require_proof(organization, client.proof)  # already at the first step, before an MFA challenge (§1.4)
    if user.mfa_enabled:
        device = trusted_device(user, trusted_device_token)
        if device is None:
            return start_challenge(user, organization, method)
        TrustedDevice.objects.filter(pk=device.pk).update(last_used_at=timezone.now())
        return tokens.start_login(user, organization, method, client, mfa=True)[1]
    return tokens.start_login(user, organization, method, client)[1]


def trusted_device(user: User, token: str | None) -> TrustedDevice | None:
    """The user's unexpired trusted device for this token, or None (missing, expired, revoked, someone else's)."""
    if not token:
        return None
    return TrustedDevice.objects.filter(user=user, token_hash=_hash(token), expires_at__gt=timezone.now()).first()


def start_challenge(user: User, organization: Organization | None, method: str) -> dict:
    """A new MfaChallenge for this first factor."""
    token = secrets.token_urlsafe(32)
    MfaChallenge.objects.create(
        token_hash=_hash(token),
        user=user,
        organization=organization,
        method=method,
        expires_at=timezone.now() + timedelta(seconds=CHALLENGE_SECONDS),
    )
    methods = ["totp", "recovery_code"] if mfa.recovery_codes_remaining(user) else ["totp"]
    return {"mfaRequired": True, "mfaToken": token, "methods": methods, "expiresIn": CHALLENGE_SECONDS}


def complete_challenge(
    mfa_token: str,
    code: str | None,
    recovery_code: str | None,
    client: tokens.ClientInfo,
    trust_device: bool,
    device_name: str | None,
) -> dict:
    """Check the TOTP or recovery code of a challenge and log in (§3.1.4); 5 wrong codes burn the token."""
    with transaction.atomic():
        challenge = (
            MfaChallenge.objects.select_for_update(of=("self",))
            .select_related("user", "organization")
            .filter(token_hash=_hash(mfa_token), finished_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if challenge is None or challenge.failures >= MAX_MFA_FAILURES:
            raise PlatformError("invalid_token", "The MFA token is unknown, expired or used up. Log in again.")
        dpop.require_proof(challenge.organization, client.proof)  # before the code is spent
        user = challenge.user
        valid = mfa.check_totp(user, code) if code is not None else mfa.use_recovery_code(user, recovery_code or "")
        if not valid:
            challenge.failures += 1
            challenge.save(update_fields=["failures"])
            wrong = True
        else:
            wrong = False
            challenge.finished_at = timezone.now()
            challenge.save(update_fields=["finished_at"])
    if wrong:  # the failure is committed above, so it counts even though the request fails
        raise PlatformError("invalid_mfa_code", "The code is incorrect.")
    if not user.is_active:
        raise PlatformError("account_disabled")
    organization = challenge.organization
    login, response = tokens.start_login(user, organization, challenge.method, client, mfa=True)
    if trust_device:
        response["trustedDeviceToken"] = trust(user, organization, client, device_name or login.device)
    return response


def trust(user: User, organization: Organization | None, client: tokens.ClientInfo, name: str | None) -> str:
    """A new TrustedDevice for the organization's trustedDeviceLifetimeDays; returns its token (shown once)."""
    days = organization.trusted_device_lifetime_days if organization else NO_ORG_TRUSTED_DEVICE_DAYS
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    TrustedDevice.objects.create(
        user=user,
        token_hash=_hash(token),
        name=(name or "Unknown device")[:255],
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token


# --- One-time login codes (allauth's code format; the code lives hashed in our table, not a session) ---


def send_login_code(email: str, request) -> None:
    """Mail a 6-digit code valid for 600 s, replacing the previous one; nothing for unknown emails."""
    code = get_adapter().generate_login_code()
    user = User.objects.filter(email=addresses.normalize(email)).first()
    code_hash = make_password(code)  # hashed either way: an unknown email costs the same
    if user is None or not user.is_active:
        return
    LoginCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": code_hash,
            "expires_at": timezone.now() + timedelta(seconds=LOGIN_CODE_SECONDS),
            "failures": 0,
        },
    )
    mail.send("login_code", user.email, {"code": code, "user": user, "minutes": LOGIN_CODE_SECONDS // 60})


@lru_cache(maxsize=1)
def _throwaway_hash() -> str:
    return make_password(secrets.token_urlsafe(16))


def check_login_code(email: str, code: str) -> User:
    """The user whose live code this is; 401 invalid_credentials otherwise (5 wrong tries burn the code)."""
    user = User.objects.filter(email=addresses.normalize(email)).first()
    with transaction.atomic():
        row = (
            LoginCode.objects.select_for_update().filter(user=user, expires_at__gt=timezone.now()).first()
            if user is not None
            else None
        )
        # Without a code, check against a throwaway hash: a missing code costs as long as a wrong one.
        matches = check_password(code, row.code_hash if row else _throwaway_hash()) and row is not None
        if row is not None and matches:
            row.delete()  # single use
        elif row is not None:
            row.failures += 1
            if row.failures >= MAX_CODE_FAILURES:
                row.delete()
            else:
                row.save(update_fields=["failures"])
    if user is None or row is None or not matches:
        raise PlatformError("invalid_credentials", "The code is incorrect or has expired.")
    if not user.is_active:
        raise PlatformError("account_disabled")
    addresses.mark_verified(user)
    return user
