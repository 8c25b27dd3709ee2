"""An organization's identity providers (contract §3.2): configuration, discovery, auto-setup, tests, secrets.

The one path for every change to a provider, whoever the caller (API, seed, tests): the rules, the fetches
from the provider (sso.oidc, through the outbound guard) and the identity_provider.* events (§2.7, §4.1).
Fetches happen outside database transactions, so a slow provider never holds a lock.
"""

import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform import crypto, outbound
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.events import emit
from localplatform.identity.models import Member, Organization
from localplatform.sso import catalog, oidc
from localplatform.sso.models import EmailDomain, IdentityProvider

logger = logging.getLogger("localplatform.sso")

SECRET_PURPOSE = "sso.client-secret"
REGISTRATION_PURPOSE = "sso.registration-access-token"
DEFAULT_SCOPES = ["openid", "email", "profile"]
SCOPE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]{1,128}$")  # RFC 6749 scope-token
LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN = re.compile(rf"^(?=.{{1,253}}$){LABEL}(?:\.{LABEL})+$")


@dataclass
class Settings:
    """What an administrator sets on a provider, validated (None: not given)."""

    scopes: list[str] | None = None
    email_domains: list[str] | None = None


# --- reading -------------------------------------------------------------------------------------------


def get_provider(organization: Organization, idp_id: str) -> IdentityProvider:
    """A provider of this organization, or 404."""
    provider = IdentityProvider.objects.filter(organization=organization, id=idp_id).prefetch_related("domains").first()
    if provider is None:
        raise not_found("identity provider")
    return provider


def list_providers(
    organization: Organization, limit: int, after: tuple[str, str] | None = None
) -> tuple[list[IdentityProvider], bool]:
    """One page of the organization's providers by name (then id), and whether more follow (GET /auth/idps)."""
    if limit == 0:
        return [], False
    rows = IdentityProvider.objects.filter(organization=organization).alias(sort_name=Lower("name"))
    if after is not None:
        name, last_id = after
        rows = rows.filter(Q(sort_name__gt=name) | Q(sort_name=name, id__gt=last_id))
    found: list[IdentityProvider] = list(rows.order_by("sort_name", "id").prefetch_related("domains")[: limit + 1])
    return found[:limit], len(found) > limit


def domains_of(provider: IdentityProvider) -> list[str]:
    return [claim.domain for claim in provider.domains.all()]


def client_secret(provider: IdentityProvider) -> str:
    """The stored client secret; '' when none is set or it was sealed under another SECRET_KEY."""
    try:
        return crypto.unseal(provider.client_secret, purpose=SECRET_PURPOSE)
    except crypto.Unreadable:
        return ""


# --- validation ----------------------------------------------------------------------------------------


def provider_type(type_id: str) -> catalog.ProviderType:
    found = catalog.usable(type_id)
    if found is None:
        raise invalid({"typeId": "Choose one of the identity provider types."})
    return found


def check_issuer(issuer: str, field: str = "issuer") -> str:
    """An absolute http(s) URL the outbound guard accepts; 422 at `field` otherwise."""
    if not issuer.startswith(("http://", "https://")):
        raise invalid({field: "Enter a URL starting with http:// or https://."})
    try:
        return outbound.check_url(issuer)
    except outbound.OutboundError as error:
        raise invalid({field: error.message}) from None


def check_scopes(scopes: list[str]) -> list[str]:
    if not 1 <= len(scopes) <= 20 or len(set(scopes)) != len(scopes):
        raise invalid({"scopes": "Give 1 to 20 different scopes."})
    for index, scope in enumerate(scopes):
        if not SCOPE.match(scope):
            raise invalid({f"scopes[{index}]": "A scope is 1 to 128 printable characters without spaces or quotes."})
    if "openid" not in scopes:
        raise invalid({"scopes": "The scopes must include openid."})
    return scopes


def check_domains(organization: Organization, domains: list[str], provider: IdentityProvider | None = None) -> list:
    """Lower-case domains, valid and not claimed by another provider of the organization (§3.2.3)."""
    if len(domains) > 20:
        raise invalid({"emailDomains": "Give at most 20 domains."})
    found = [domain.strip().lower().removeprefix("@") for domain in domains]
    for index, domain in enumerate(found):
        if not DOMAIN.match(domain):
            raise invalid({f"emailDomains[{index}]": "Enter a domain such as example.com."})
        if domain in found[:index]:
            raise invalid({f"emailDomains[{index}]": "This domain is listed twice."})
    claims = EmailDomain.objects.filter(organization=organization, domain__in=found).select_related("identity_provider")
    if provider is not None:
        claims = claims.exclude(identity_provider=provider)
    for claim in claims:
        name = claim.identity_provider.name
        raise invalid(
            {f"emailDomains[{found.index(claim.domain)}]": f"Already claimed by the identity provider “{name}”."}
        )
    return found


def check_name(organization: Organization, name: str, provider: IdentityProvider | None = None) -> str:
    clash = IdentityProvider.objects.filter(organization=organization, name__iexact=name)
    if provider is not None:
        clash = clash.exclude(pk=provider.pk)
    if clash.exists():
        raise PlatformError("already_exists", f"An identity provider named “{name}” already exists.")
    return name


# --- changes -------------------------------------------------------------------------------------------


def create_provider(
    organization: Organization,
    by: Member | None,
    *,
    type_id: str,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None = None,
    scopes: list[str] | None = None,
    email_domains: list[str] | None = None,
    auto_provision: bool = False,
    status: str = IdentityProvider.ACTIVE,
) -> IdentityProvider:
    """POST /auth/idps: a manually configured provider, discovered now (status error when that fails)."""
    kind = provider_type(type_id)
    if kind.requires_client_secret and not client_secret:
        raise invalid({"clientSecret": f"Required for {kind.name}."})
    check_name(organization, name)
    scopes = check_scopes(scopes if scopes is not None else DEFAULT_SCOPES)
    domains = check_domains(organization, email_domains or [])
    issuer = check_issuer(issuer)
    provider = IdentityProvider(
        organization=organization,
        type_id=kind.id,
        name=name,
        issuer=issuer,
        client_id=client_id,
        client_secret=crypto.seal(client_secret or "", purpose=SECRET_PURPOSE),
        scopes=scopes,
        setup_method=IdentityProvider.MANUAL,
        auto_provision=auto_provision,
        status=status,
    )
    rediscover(provider)
    return _save_new(provider, domains, by)


def auto_setup(
    organization: Organization,
    by: Member | None,
    *,
    name: str,
    provider_url: str,
    redirect_uris: list[str],
    type_id: str = "generic-oidc",
    initial_access_token: str | None = None,
    scopes: list[str] | None = None,
    email_domains: list[str] | None = None,
    auto_provision: bool = False,
) -> IdentityProvider:
    """POST /auth/idps/auto-setup: discovery, then RFC 7591 registration of LakeSail as a client."""
    kind = provider_type(type_id)
    check_name(organization, name)
    scopes = check_scopes(scopes if scopes is not None else DEFAULT_SCOPES)
    domains = check_domains(organization, email_domains or [])
    issuer = check_issuer(provider_url, "providerUrl")
    if not kind.dcr:
        raise PlatformError(
            "dcr_not_supported",
            f"{kind.name} does not offer dynamic client registration: create a client there and add it manually.",
        )
    if kind.dcr_token and not initial_access_token:
        raise invalid({"initialAccessToken": f"{kind.name} needs an initial access token for registration."})
    discovered = _setup_step(lambda: oidc.discover(issuer), "providerUrl")
    endpoint = discovered.endpoints["registrationEndpoint"]
    if not endpoint:
        raise PlatformError("dcr_not_supported", "The provider does not offer dynamic client registration.")
    client_name = f"LakeSail ({organization.name})"
    registration = _setup_step(lambda: oidc.register(endpoint, redirect_uris, client_name, initial_access_token))
    provider = IdentityProvider(
        organization=organization,
        type_id=kind.id,
        name=name,
        issuer=discovered.issuer,
        client_id=registration.client_id,
        client_secret=crypto.seal(registration.client_secret, purpose=SECRET_PURPOSE),
        scopes=scopes,
        setup_method=IdentityProvider.AUTO_SETUP,
        auto_provision=auto_provision,
        discovery=discovered.endpoints,
        registration_client_uri=registration.registration_client_uri,
        registration_access_token=crypto.seal(
            registration.registration_access_token or "", purpose=REGISTRATION_PURPOSE
        ),
    )
    try:
        return _save_new(provider, domains, by)
    except PlatformError:
        deregister(provider)  # taken by a concurrent request meanwhile: do not leave an unused client behind
        raise


def _setup_step(step, field: str | None = None):
    """Run one auto-setup fetch; the provider's failures as the contract's errors (§3.2.4)."""
    try:
        return step()
    except oidc.ProviderError as error:
        if error.server_error or (error.unreachable and field is None):
            raise PlatformError("unavailable", error.message, caused_by=error.cause) from None
        if field is not None:
            raise invalid({field: error.message}) from None
        raise PlatformError("dcr_not_supported", error.message, caused_by=error.cause) from None


def _save_new(provider: IdentityProvider, domains: list[str], by: Member | None) -> IdentityProvider:
    now = timezone.now()
    provider.created_at = provider.updated_at = now
    provider.created_by = provider.updated_by = by.id if by else None
    try:
        with transaction.atomic():
            check_name(provider.organization, provider.name)
            check_domains(provider.organization, domains)
            provider.save(force_insert=True)
            _claim(provider, domains)
            _event(provider, "identity_provider.created", by)
    except IntegrityError:  # a concurrent request took the name or a domain between the check and the insert
        raise PlatformError("already_exists", "The name or an email domain was just taken; try again.") from None
    return provider


def update_provider(provider: IdentityProvider, by: Member | None, changes: dict) -> IdentityProvider:
    """PATCH /auth/idps/{idp}: a changed issuer, or turning an erroring provider on, rediscovers it."""
    organization = provider.organization
    if "name" in changes:
        provider.name = check_name(organization, changes["name"], provider)
    if "scopes" in changes:
        provider.scopes = check_scopes(changes["scopes"])
    domains = check_domains(organization, changes["email_domains"], provider) if "email_domains" in changes else None
    if "client_id" in changes:
        provider.client_id = changes["client_id"]
    if "auto_provision" in changes:
        provider.auto_provision = changes["auto_provision"]
    moved = "issuer" in changes and changes["issuer"] != provider.issuer
    if moved:
        provider.issuer = check_issuer(changes["issuer"])
    wanted = changes.get("status")
    if wanted is not None:
        provider.status = wanted
    if moved or (wanted == IdentityProvider.ACTIVE and (provider.discovery is None or provider.status_message)):
        rediscover(provider)
    provider.updated_at, provider.updated_by = timezone.now(), by.id if by else None
    try:
        with transaction.atomic():
            if domains is not None:
                check_domains(organization, domains, provider)
                provider.domains.all().delete()
                _claim(provider, domains)
            provider.save()
    except IntegrityError:
        raise PlatformError("already_exists", "The name or an email domain was just taken; try again.") from None
    return get_provider(organization, provider.id)


def rotate_secret(provider: IdentityProvider, by: Member | None, secret: str) -> IdentityProvider:
    """POST /auth/idps/{idp}/rotate-secret: the new secret is used from the next sign-in on."""
    now = timezone.now()
    provider.client_secret = crypto.seal(secret, purpose=SECRET_PURPOSE)
    provider.client_secret_rotated_at = provider.updated_at = now
    provider.updated_by = by.id if by else None
    with transaction.atomic():
        provider.save(update_fields=["client_secret", "client_secret_rotated_at", "updated_at", "updated_by"])
        _event(provider, "identity_provider.secret_rotated", by)
    return provider


def check_connection(provider: IdentityProvider) -> dict:
    """POST /auth/idps/{idp}/test: fetch discovery and the key set; the IdpTestResult (§2.2)."""
    success = rediscover(provider, with_keys=True)
    provider.last_tested_at = timezone.now()
    provider.save(update_fields=["issuer", "discovery", "status", "status_message", "last_tested_at"])
    message = provider.status_message or "The discovery document and the signing keys were fetched."
    return {
        "success": success,
        "checkedAt": provider.last_tested_at,
        "message": message,
        "discovery": provider.discovery,
    }


def delete_provider(provider: IdentityProvider, by: Member | None) -> None:
    """DELETE /auth/idps/{idp}; a client that auto-setup registered is deregistered at the provider."""
    with transaction.atomic():
        _event(provider, "identity_provider.deleted", by)
        provider.delete()
    deregister(provider)


def rediscover(provider: IdentityProvider, with_keys: bool = False) -> bool:
    """Fetch the provider's discovery document (and key set): `discovery` and `status` follow (not saved)."""
    try:
        discovered = oidc.discover(provider.issuer)
        if with_keys:
            oidc.fetch_keys(discovered.endpoints["jwksUri"])
    except oidc.ProviderError as error:
        if provider.status != IdentityProvider.DISABLED:
            provider.status = IdentityProvider.ERROR
        provider.status_message = error.message
        return False
    provider.issuer, provider.discovery, provider.status_message = discovered.issuer, discovered.endpoints, None
    if provider.status == IdentityProvider.ERROR:
        provider.status = IdentityProvider.ACTIVE
    return True


def deregister(provider: IdentityProvider) -> None:
    """Best effort: the provider may be gone or refuse; the client then stays registered there."""
    if not provider.registration_client_uri:
        return
    try:
        token = crypto.unseal(provider.registration_access_token, purpose=REGISTRATION_PURPOSE)
    except crypto.Unreadable:
        return
    if not oidc.deregister(provider.registration_client_uri, token):
        logger.info("identity provider %r: its registered client could not be deleted at the provider", provider.name)


def _claim(provider: IdentityProvider, domains: list[str]) -> None:
    EmailDomain.objects.bulk_create(
        EmailDomain(identity_provider=provider, organization_id=provider.organization_id, domain=domain, position=n)
        for n, domain in enumerate(domains)
    )


def _event(provider: IdentityProvider, type: str, by: Member | None) -> None:
    data = {
        "idpId": provider.id,
        "name": provider.name,
        "issuer": provider.issuer,
        "actorMemberId": by.id if by else None,
    }
    emit(provider.organization_id, type, "identity_provider", provider.id, provider.name, data=data)
