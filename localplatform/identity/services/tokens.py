"""Access and refresh tokens. Each sign-in is a Login: revocable, with device, IP, user agent and expiry."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from localplatform.api.errors import ApiError
from localplatform.identity.devices import describe_device
from localplatform.identity.models import Login, Organization, RefreshToken, User
from localplatform.ids import new_id

ACCESS_TOKEN_SECONDS = 900
NO_ORG_LOGIN_MINUTES = 720
LAST_USED_RESOLUTION = timedelta(seconds=60)


def _signing_key() -> str:
    return hashlib.sha256(f"lakesail-access-token:{settings.SECRET_KEY}".encode()).hexdigest()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login_lifetime(organization: Organization | None) -> timedelta:
    minutes = organization.session_lifetime_minutes if organization else NO_ORG_LOGIN_MINUTES
    return timedelta(minutes=minutes)


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str
    user_agent: str

    @classmethod
    def of(cls, request) -> "ClientInfo":
        return cls(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", "")[:512])


def start_login(
    user: User, organization: Organization | None, method: str, client: ClientInfo, mfa: bool = False
) -> tuple[Login, dict]:
    """Create a Login and issue its first token pair (the TokenResponse body)."""
    now = timezone.now()
    login = Login.objects.create(
        user=user,
        organization=organization,
        method=method,
        mfa=mfa,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        device=describe_device(client.user_agent),
        created_at=now,
        last_used_at=now,
        expires_at=now + login_lifetime(organization),
    )
    User.objects.filter(pk=user.pk).update(last_login_at=now, last_organization=organization)
    return login, issue_tokens(login)


def issue_tokens(login: Login) -> dict:
    """A fresh access token and a new single-use refresh token for this login."""
    now = timezone.now()
    claims = {
        "sub": login.user_id,
        "lid": login.id,
        "org": login.organization_id,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + ACCESS_TOKEN_SECONDS,
        "jti": new_id(),
    }
    access = jwt.encode(claims, _signing_key(), algorithm="HS256")
    refresh = secrets.token_urlsafe(32)
    RefreshToken.objects.create(login=login, token_hash=_hash(refresh), created_at=now)
    return {
        "accessToken": access,
        "tokenType": login.token_type,
        "expiresIn": ACCESS_TOKEN_SECONDS,
        "refreshToken": refresh,
        "organizationId": login.organization_id,
        "mfaEnrollmentRequired": login.mfa_enrollment_required,
    }


def read_access_token(token: str) -> Login:
    """The live Login behind an access token; 401 token_expired or invalid_token otherwise."""
    try:
        claims = jwt.decode(token, _signing_key(), algorithms=["HS256"], options={"require": ["exp", "lid"]})
    except jwt.ExpiredSignatureError:
        raise ApiError("token_expired") from None
    except jwt.InvalidTokenError:
        raise ApiError("invalid_token") from None
    login = Login.objects.select_related("user", "organization").filter(pk=claims["lid"]).first()
    if login is None or not login.is_live or login.organization_id != claims.get("org"):
        raise ApiError("invalid_token")
    now = timezone.now()
    if now - login.last_used_at > LAST_USED_RESOLUTION:
        Login.objects.filter(pk=login.pk).update(last_used_at=now)
        login.last_used_at = now
    return login


@transaction.atomic
def rotate_refresh_token(token: str) -> Login:
    """Spend a refresh token. A token used twice revokes its whole login (reuse detection)."""
    record = (
        RefreshToken.objects.select_for_update()
        .select_related("login", "login__user")
        .filter(token_hash=_hash(token))
        .first()
    )
    if record is None:
        raise ApiError("invalid_token", "The refresh token is unknown, expired or revoked.")
    login = record.login
    if record.used_at is not None:
        revoke_login(login)
        raise ApiError("invalid_token", "The refresh token was already used; the login has been revoked.")
    if not login.is_live:
        raise ApiError("invalid_token", "The login has expired or was revoked.")
    record.used_at = timezone.now()
    record.save(update_fields=["used_at"])
    return login


def revoke_login(login: Login) -> None:
    """End a login at once: its access tokens and refresh tokens stop working."""
    Login.objects.filter(pk=login.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_all_logins(user: User, organization: Organization | None = None) -> int:
    """End every live login of a user (optionally only those in one organization)."""
    logins = Login.objects.filter(user=user, revoked_at__isnull=True)
    if organization is not None:
        logins = logins.filter(organization=organization)
    return logins.update(revoked_at=timezone.now())
