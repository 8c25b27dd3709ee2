"""Access and refresh tokens. Each sign-in is a Login: revocable, with device, IP, user agent and expiry.

A login signed in with a DPoP proof is bound to the proof's key (Login.dpop_jkt, `cnf.jkt` in its access
tokens, `tokenType: "DPoP"`); its refresh then needs a proof signed with the same key (§1.4, dpop.py).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from localplatform.errors import PlatformError, not_found
from localplatform.identity.devices import describe_device
from localplatform.identity.models import Login, Member, Organization, RefreshToken, User
from localplatform.identity.services import dpop
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
    """Who asks for tokens: address, user agent, and the verified DPoP proof their request carried, if any."""

    ip_address: str
    user_agent: str
    proof: dpop.Proof | None = None

    @classmethod
    def of(cls, request, proof: dpop.Proof | None = None) -> "ClientInfo":
        """`proof`: localplatform.api.auth.token_request_proof(request), on the token-issuing routes."""
        return cls(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_USER_AGENT", "")[:512], proof)


def start_login(
    user: User, organization: Organization | None, method: str, client: ClientInfo, mfa: bool = False
) -> tuple[Login, dict]:
    """Create a Login and issue its first token pair (the TokenResponse body): how every sign-in ends.

    Password, code, MFA step and SSO callback alike (§1.4): with `client.proof`, the request's verified DPoP
    proof, both tokens are bound to its key and `tokenType` is "DPoP"; without one, an organization that
    requires DPoP refuses with 401 dpop_required. For the SSO callback:

        client = tokens.ClientInfo.of(request, token_request_proof(request))   # localplatform.api.auth
        login, body = tokens.start_login(user, organization, Login.SSO, client)
    """
    dpop.require_proof(organization, client.proof)
    jkt = client.proof.jkt if client.proof else None
    now = timezone.now()
    login = Login.objects.create(
        user=user,
        organization=organization,
        method=method,
        mfa=mfa,
        token_type="DPoP" if jkt else "Bearer",
        dpop_jkt=jkt,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        device=describe_device(client.user_agent),
        created_at=now,
        last_used_at=now,
        expires_at=now + login_lifetime(organization),
        mfa_enrollment_required=needs_mfa_enrollment(user, organization, method),
    )
    User.objects.filter(pk=user.pk).update(last_login_at=now, last_organization=organization)
    return login, issue_tokens(login)


def needs_mfa_enrollment(user: User, organization: Organization | None, method: str) -> bool:
    """The §1.4 gate: the organization requires MFA, the user has not enrolled, and this is no SSO login."""
    return bool(organization and organization.require_mfa and not user.mfa_enabled and method != Login.SSO)


def issue_tokens(login: Login) -> dict:
    """A fresh access token and a new single-use refresh token for this login."""
    now = timezone.now()
    claims: dict[str, object] = {
        "sub": login.user_id,
        "lid": login.id,
        "org": login.organization_id,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + ACCESS_TOKEN_SECONDS,
        "jti": new_id(),
    }
    if login.dpop_jkt:
        claims["cnf"] = {"jkt": login.dpop_jkt}  # RFC 9449 §6: the key this token is bound to
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


def read_access_token(token: str) -> tuple[Login, str | None]:
    """The live Login behind an access token and the key thumbprint the token is bound to (None: a Bearer token).

    401 token_expired or invalid_token otherwise. The binding is the token's own: a login bound at a refresh
    leaves its earlier Bearer access tokens as they were until they expire.
    """
    try:
        claims = jwt.decode(token, _signing_key(), algorithms=["HS256"], options={"require": ["exp", "lid"]})
    except jwt.ExpiredSignatureError:
        raise PlatformError("token_expired") from None
    except jwt.InvalidTokenError:
        raise PlatformError("invalid_token") from None
    login = Login.objects.select_related("user", "organization").filter(pk=claims["lid"]).first()
    if login is None or not login.is_live or login.organization_id != claims.get("org"):
        raise PlatformError("invalid_token")
    confirmation = claims.get("cnf")
    jkt = confirmation.get("jkt") if isinstance(confirmation, dict) else None
    now = timezone.now()
    if now - login.last_used_at > LAST_USED_RESOLUTION:
        Login.objects.filter(pk=login.pk).update(last_used_at=now)
        login.last_used_at = now
    return login, jkt if isinstance(jkt, str) else None


def rotate_refresh_token(token: str, organization_id: str | None = None, proof: dpop.Proof | None = None) -> Login:
    """Spend a refresh token, optionally moving its login to another organization of the user (§3.1.9).

    `proof` is the request's verified DPoP proof: a bound login needs one signed with its key, and an unbound
    login refreshed with one becomes bound to that key (binding is decided per token request, §1.4).
    A refusal (401 DPoP, 403, expired login) leaves the token unspent. A token used twice revokes its whole login;
    that revocation is committed even though the request fails (reuse detection).
    """
    with transaction.atomic():
        record = (
            RefreshToken.objects.select_for_update(of=("self",))
            .select_related("login", "login__user", "login__organization")
            .filter(token_hash=_hash(token))
            .first()
        )
        if record is None:
            raise PlatformError("invalid_token", "The refresh token is unknown, expired or revoked.")
        login = record.login
        if record.used_at is None:
            if not login.is_live:
                raise PlatformError("invalid_token", "The login has expired or was revoked.")
            organization = refresh_organization(login, organization_id)
            now = timezone.now()
            # The lifetime counts from login; a changed (or switched) organization setting applies now.
            expires_at = login.created_at + login_lifetime(organization)
            if expires_at <= now:
                raise PlatformError("invalid_token", "The login has expired.")
            bind(login, organization, proof)
            record.used_at = now
            record.save(update_fields=["used_at"])
            switched = organization != login.organization
            login.organization = organization
            login.expires_at = expires_at
            login.last_used_at = now
            if switched:  # the gate is re-decided for the new organization (§1.4)
                login.mfa_enrollment_required = needs_mfa_enrollment(login.user, organization, login.method)
            login.save(
                update_fields=[
                    "organization",
                    "expires_at",
                    "last_used_at",
                    "mfa_enrollment_required",
                    "dpop_jkt",
                    "token_type",
                ]
            )
            if switched:
                User.objects.filter(pk=login.user_id).update(last_organization=organization)
            return login
    revoke_login(login)
    raise PlatformError("invalid_token", "The refresh token was already used; the login has been revoked.")


def bind(login: Login, organization: Organization | None, proof: dpop.Proof | None) -> None:
    """Check a refresh's proof against its login's key, or bind an unbound login to the proof's key (unsaved)."""
    if login.dpop_jkt:
        if proof is None:
            raise dpop.invalid("This login is bound to a DPoP key: send a DPoP proof signed with that key.")
        if not hmac.compare_digest(proof.jkt, login.dpop_jkt):
            raise dpop.invalid("The DPoP proof is signed with another key than this login is bound to.")
        return
    dpop.require_proof(organization, proof)
    if proof is not None:
        login.dpop_jkt, login.token_type = proof.jkt, "DPoP"


def refresh_organization(login: Login, organization_id: str | None) -> Organization | None:
    """The organization a refreshed login belongs to: the requested one, else its own, re-checked."""
    if not login.user.is_active:
        raise PlatformError("account_disabled")
    target = organization_id or login.organization_id
    if target is None:
        return None
    return entry_membership(login.user, target).organization


def entry_membership(user: User, organization_id: str) -> Member:
    """The user's active membership in an organization a login enters; 403 otherwise (§1.4)."""
    member = Member.objects.select_related("organization").filter(organization_id=organization_id, user=user).first()
    if member is None:
        raise PlatformError("organization_access_denied")
    if member.status != Member.ACTIVE:
        raise PlatformError("account_disabled", "Your membership in this organization is deactivated.")
    return member


def default_organization(user: User) -> Organization | None:
    """The organization a login enters by default: the one used last, else the newest active membership."""
    active = Member.objects.filter(user=user, status=Member.ACTIVE).select_related("organization")
    if user.last_organization_id:
        member = active.filter(organization_id=user.last_organization_id).first()
        if member is not None:
            return member.organization
    member = active.order_by("-joined_at", "-id").first()
    return member.organization if member else None


def revoke_login(login: Login) -> None:
    """End a login at once: its access tokens and refresh tokens stop working."""
    Login.objects.filter(pk=login.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def live_logins(user: User) -> list[Login]:
    """The user's unrevoked, unexpired logins, most recently used first (GET /me/logins)."""
    logins = Login.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
    return list(logins.order_by("-last_used_at", "id"))


def revoke_own_login(user: User, login_id: str) -> None:
    """End one of the user's live logins; 404 for anyone else's, or one already ended."""
    login = Login.objects.filter(pk=login_id, user=user, revoked_at__isnull=True).first()
    if login is None or not login.is_live:
        raise not_found("login")
    revoke_login(login)


def revoke_all_logins(user: User, organization: Organization | None = None) -> int:
    """End every live login of a user (optionally only those in one organization)."""
    logins = Login.objects.filter(user=user, revoked_at__isnull=True)
    if organization is not None:
        logins = logins.filter(organization=organization)
    return logins.update(revoked_at=timezone.now())
