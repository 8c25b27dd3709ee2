"""Signing in through an organization's OpenID Connect provider (contract §3.1.7-3.1.8).

Authorization code flow with PKCE (S256) and a nonce. `state` is single use and lives 600 s in the
database (so every worker sees it), stored only as a hash; the PKCE verifier is sealed. The callback
redeems the code, verifies the ID token against the provider's JWKS, requires a verified email, and
finds the member (or provisions one). Tokens are issued by the caller (one function in the auth router),
so the token-issuing rules stay in one place. Every failure is `sso_failed`, `organization_access_denied`
or `account_disabled`, with nobody signed in.
"""

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from localplatform import crypto
from localplatform.accounts.services import addresses
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Member, Organization, User
from localplatform.identity.services import directory, members
from localplatform.sso import oidc
from localplatform.sso.models import EmailDomain, IdentityProvider, SsoAttempt
from localplatform.sso.services.identity_providers import client_secret, domains_of

# The console's page that receives the provider's answer and forwards its query to GET /auth/sso/callback.
CALLBACK_PATH = "/sign-in/sso/callback"
ATTEMPT_SECONDS = 600
VERIFIER_PURPOSE = "sso.pkce-verifier"


def redirect_uris(console_base_url: str) -> list[str]:
    """The allow-list of `redirectUri` (§3.1.7): the console's SSO callback page on its own origin."""
    return [console_base_url.rstrip("/") + CALLBACK_PATH]


def failed(message: str, cause: str | None = None) -> PlatformError:
    """401 sso_failed; `cause` is "idp:<error>" when the provider said why (§3.1.8)."""
    return PlatformError("sso_failed", message, caused_by=cause)


def refusal(error: str, description: str | None) -> PlatformError:
    """The provider's error answer (RFC 6749 §4.1.2.1), in its own words, its code in causedBy."""
    return failed(f"The identity provider refused the sign-in: {_said(description or error)}", _cause(error))


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- start ---------------------------------------------------------------------------------------------


def start(
    email: str | None, idp_id: str | None, redirect_uri: str, organization_id: str | None, allowed: list[str]
) -> dict:
    """GET /auth/sso/start: a new attempt and the provider URL the browser must visit."""
    if (email is None) == (idp_id is None):
        raise invalid({"email": "Give exactly one of email or idpId."})
    if redirect_uri not in allowed:
        raise invalid({"redirectUri": "This redirect URI is not allowed."})
    provider = provider_for_email(email, organization_id) if email is not None else provider_by_id(idp_id or "")
    if organization_id is not None and provider.organization_id != organization_id:
        raise not_found("identity provider")
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    now = timezone.now()
    SsoAttempt.objects.filter(expires_at__lt=now).delete()  # spent or abandoned attempts are of no use
    SsoAttempt.objects.create(
        state_hash=_hash(state),
        identity_provider=provider,
        redirect_uri=redirect_uri,
        nonce=nonce,
        code_verifier=crypto.seal(verifier, purpose=VERIFIER_PURPOSE),
        created_at=now,
        expires_at=now + timedelta(seconds=ATTEMPT_SECONDS),
    )
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(provider.scopes),
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    if email is not None:
        query["login_hint"] = email
    endpoint = provider.discovery["authorizationEndpoint"] if provider.discovery else ""
    separator = "&" if "?" in endpoint else "?"
    return {"authorizationUrl": endpoint + separator + urlencode(query), "state": state, "expiresIn": ATTEMPT_SECONDS}


def _active() -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(status=IdentityProvider.ACTIVE, discovery__isnull=False)


def provider_by_id(idp_id: str) -> IdentityProvider:
    provider = _active().filter(id=idp_id).first()
    if provider is None:
        raise not_found("active identity provider")
    return provider


def provider_for_email(email: str, organization_id: str | None) -> IdentityProvider:
    """The active provider claiming the email's domain (in that organization, when one is named)."""
    local, _, domain = email.strip().lower().rpartition("@")
    if not local or not domain:
        raise invalid({"email": "Enter an email address."})
    claims = EmailDomain.objects.filter(domain=domain, identity_provider__in=_active())
    if organization_id is not None:
        claims = claims.filter(organization_id=organization_id)
    found = list(claims.select_related("identity_provider")[:2])
    if not found:
        raise PlatformError("not_found", f"No organization signs in people from {domain} with single sign-on.")
    if len(found) > 1:
        raise invalid({"organizationId": "Several organizations use single sign-on for this domain: choose one."})
    return found[0].identity_provider


# --- callback ------------------------------------------------------------------------------------------


def complete(
    state: str | None, code: str | None, error: str | None, error_description: str | None, iss: str | None
) -> tuple[User, Organization]:
    """GET /auth/sso/callback up to the tokens: the user signing in and the organization they enter."""
    if error is not None and not state:  # refused before the provider could send the state back
        raise refusal(error, error_description)
    attempt = consume(state)
    provider = attempt.identity_provider
    if iss is not None and iss != provider.issuer:  # RFC 9207: the answer must come from the provider asked
        raise failed("The answer came from another identity provider than the one this sign-in started with.")
    if error is not None:
        raise refusal(error, error_description)
    if not code:
        raise failed("The identity provider sent no sign-in code.")
    if provider.status != IdentityProvider.ACTIVE or not provider.discovery:
        raise failed("This identity provider is no longer active.")
    claims = verified_claims(attempt, provider, code)
    return sign_in(provider, verified_email(claims), claims)


def consume(state: str | None) -> SsoAttempt:
    """The attempt this state started, marked used (once, whichever worker gets there first)."""
    if not state:
        raise failed("The answer carries no state: start signing in again.")
    now = timezone.now()
    spent = SsoAttempt.objects.filter(state_hash=_hash(state), used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if not spent:
        raise failed("This sign-in has expired or was already used: start signing in again.")
    return SsoAttempt.objects.select_related("identity_provider__organization").get(state_hash=_hash(state))


def verified_claims(attempt: SsoAttempt, provider: IdentityProvider, code: str) -> dict:
    """Redeem the code with the PKCE verifier and verify the ID token against the provider's keys."""
    discovery = provider.discovery or {}
    try:
        verifier = crypto.unseal(attempt.code_verifier, purpose=VERIFIER_PURPOSE)
    except crypto.Unreadable:
        raise failed("This sign-in can no longer be completed: start signing in again.") from None
    secret = client_secret(provider)
    if not secret:
        raise failed("The identity provider's client secret cannot be read: an administrator must rotate it.")
    try:
        id_token = oidc.redeem_code(
            discovery["tokenEndpoint"], code, attempt.redirect_uri, verifier, provider.client_id, secret
        )
        keys = oidc.fetch_keys(discovery["jwksUri"])
        return oidc.verify_id_token(id_token, keys, provider.issuer, provider.client_id, attempt.nonce)
    except oidc.ProviderError as error:
        raise failed(error.message, error.cause) from None


def verified_email(claims: dict) -> str:
    """The lower-cased `email` claim, which the provider must have verified (§3.1.8 step 4)."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email.strip() or len(email.strip()) > 254:
        raise failed("The identity provider did not share an email address.")
    email = addresses.normalize(email)
    if claims.get("email_verified") not in (True, "true"):
        raise failed(f"The identity provider has not verified the email address {email}.")
    return email


def sign_in(provider: IdentityProvider, email: str, claims: dict) -> tuple[User, Organization]:
    """The member with this email in the provider's organization, or a new managed member (auto-provisioning).

    An existing account that is not a member is never joined by SSO: a provider vouches only for the
    organization it belongs to, and the domains it claims are not proven to be its own (invite the person).
    External members keep their own credentials: the organization's provider does not sign them in.
    """
    organization = provider.organization
    member = Member.objects.select_related("user").filter(organization=organization, user__email=email).first()
    if member is None:
        if not (provider.auto_provision and email.rpartition("@")[2] in domains_of(provider)):
            raise PlatformError("organization_access_denied", f"{email} is not a member of {organization.name}.")
        if addresses.is_taken(email):
            raise PlatformError(
                "organization_access_denied",
                f"{email} already has a LakeSail account: an administrator of {organization.name} can invite it.",
            )
        member = provision(organization, email, claims)
    user = member.user
    if member.account_type == Member.EXTERNAL:
        raise PlatformError(
            "organization_access_denied",
            f"{email} is an external member of {organization.name}: sign in with a password or a one-time code.",
        )
    if not user.is_active:
        raise PlatformError("account_disabled")
    if member.status != Member.ACTIVE:
        raise PlatformError("account_disabled", "Your membership in this organization is deactivated.")
    return user, organization


def provision(organization: Organization, email: str, claims: dict) -> Member:
    """A new user (email verified, no password) and a managed member with the default role; member.joined."""
    given = _name(claims.get("given_name")) or _name(claims.get("name")) or email.partition("@")[0][:255]
    family = _name(claims.get("family_name")) or ""
    try:
        with transaction.atomic():
            user = directory.create_user(email, None, given, family, _name(claims.get("name")), email_verified=True)
            member = directory.add_member(organization, user, [organization.default_role], Member.MANAGED)
            members.emit_joined(member, None)  # the platform acted: actorMemberId null (§4.1)
    except IntegrityError:  # the same person's other sign-in provisioned them a moment ago
        return Member.objects.select_related("user").get(organization=organization, user__email=email)
    return member


def _name(value) -> str | None:
    return value.strip()[:255] if isinstance(value, str) and value.strip() and value.isprintable() else None


def _cause(error: str) -> str:
    safe = error[:64] if all(c.isalnum() or c in "_.-" for c in error) and error else "error"
    return f"idp:{safe}"


def _said(text: str) -> str:
    return text[:200] if text.isprintable() else "(an unreadable reason)"
