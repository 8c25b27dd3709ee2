"""/auth/identity-provider-types and /auth/idps (contract §3.2): an organization's SSO identity providers.

Every /auth/idps operation needs CanManageIdentityProviders@org, checked before any lookup (§1.13 step 3).
"""

from ninja import Query, Router, Status

from localplatform.accounts.mail import console_base_url
from localplatform.api.auth import NONE, BearerAuth
from localplatform.api.pagination import MarkerQuery, decode_marker, encode_marker
from localplatform.api.shapes import identity_providers as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.api.throttle import Limit, every_request
from localplatform.errors import invalid
from localplatform.sso import catalog
from localplatform.sso.services import identity_providers as providers
from localplatform.sso.services import sso

router = Router(tags=["identity-providers"], auth=BearerAuth())

MANAGE = "CanManageIdentityProviders"
# A test or an auto-setup holds a web worker while the provider answers (up to 10 s per fetch).
FETCHES_PER_MEMBER = Limit("idp-fetches-member", limit=10, window=60)
PATCH_FIELDS = {
    "name": "name",
    "issuer": "issuer",
    "clientId": "client_id",
    "scopes": "scopes",
    "emailDomains": "email_domains",
    "autoProvision": "auto_provision",
    "status": "status",
}


def out(provider) -> dict:
    return shapes.identity_provider_data(provider)


@router.get(
    "/identity-provider-types",
    auth=BearerAuth(org=NONE),
    response={200: shapes.TypeList, **errors(401, 403)},
    summary="List available identity provider types",
)
def list_identity_provider_types(request):
    """Returns the catalog of provider types an organization can configure, by display order."""
    return {"items": catalog.listed()}


@router.get(
    "/idps",
    response={200: shapes.IdentityProviderPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List identity providers",
)
def list_identity_providers(request, query: Query[MarkerQuery]):
    """Lists the organization's configured SSO providers by name."""
    actor = request.auth
    actor.require(MANAGE)
    after = decode_marker(query.marker, {}) if query.marker else None
    rows, more = providers.list_providers(actor.organization, query.limit, (after[0], after[1]) if after else None)
    body: dict = {"items": [out(provider) for provider in rows]}
    if more:
        body["marker"] = encode_marker([rows[-1].name.lower(), rows[-1].id], {})
    return body


@router.post(
    "/idps",
    response={201: shapes.IdentityProvider, **errors(400, 401, 403, 409, 422)},
    summary="Create an identity provider",
)
def create_identity_provider(request, body: shapes.IdentityProviderCreate):
    """Registers an OIDC provider manually, with client credentials obtained from the provider."""
    actor = request.auth
    actor.require(MANAGE)
    provider = providers.create_provider(
        actor.organization,
        actor.member,
        type_id=body.typeId,
        name=body.name,
        issuer=body.issuer,
        client_id=body.clientId,
        client_secret=body.clientSecret,
        scopes=body.scopes,
        email_domains=body.emailDomains,
        auto_provision=body.autoProvision,
        status=body.status,
    )
    return Status(201, out(provider))


@router.post(
    "/idps/auto-setup",
    response={201: shapes.IdentityProvider, **errors(400, 401, 403, 409, 422, 429, 503)},
    summary="Auto-setup identity provider",
)
def auto_setup_identity_provider(request, body: shapes.AutoSetupIn):
    """Discovers the provider from its URL and registers LakeSail as a client by dynamic client registration."""
    actor = request.auth
    actor.require(MANAGE)
    every_request(FETCHES_PER_MEMBER, actor.member.id)
    provider = providers.auto_setup(
        actor.organization,
        actor.member,
        name=body.name,
        provider_url=body.providerUrl,
        redirect_uris=sso.redirect_uris(console_base_url(request)),
        type_id=body.typeId,
        initial_access_token=body.initialAccessToken,
        scopes=body.scopes,
        email_domains=body.emailDomains,
        auto_provision=body.autoProvision,
    )
    return Status(201, out(provider))


@router.get(
    "/idps/{idp}",
    response={200: shapes.IdentityProvider, **errors(400, 401, 403, 404)},
    summary="Describe an identity provider",
)
def describe_identity_provider(request, idp: Id):
    """Shows one provider's configuration; the client secret is never included."""
    actor = request.auth
    actor.require(MANAGE)
    return out(providers.get_provider(actor.organization, idp))


@router.patch(
    "/idps/{idp}",
    response={200: shapes.IdentityProvider, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update an identity provider",
)
def update_identity_provider(request, idp: Id, body: shapes.IdentityProviderPatch):
    """Edits provider settings; a changed issuer triggers rediscovery."""
    actor = request.auth
    actor.require(MANAGE)
    provider = providers.get_provider(actor.organization, idp)
    if "clientSecret" in body.model_fields_set:
        raise invalid({"clientSecret": "Change the client secret with rotate-secret."})
    changes = {PATCH_FIELDS[key]: getattr(body, key) for key in body.model_fields_set}
    return out(providers.update_provider(provider, actor.member, changes))


@router.delete(
    "/idps/{idp}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Delete an identity provider",
)
def delete_identity_provider(request, idp: Id):
    """Removes the provider; people who signed in through it keep their accounts."""
    actor = request.auth
    actor.require(MANAGE)
    providers.delete_provider(providers.get_provider(actor.organization, idp), actor.member)
    return Status(204, None)


@router.post(
    "/idps/{idp}/rotate-secret",
    response={200: shapes.IdentityProvider, **errors(400, 401, 403, 404, 422)},
    summary="Rotate an identity provider's client secret",
)
def rotate_identity_provider_secret(request, idp: Id, body: shapes.SecretIn):
    """Replaces the stored client secret; the new secret takes effect immediately."""
    actor = request.auth
    actor.require(MANAGE)
    provider = providers.get_provider(actor.organization, idp)
    return out(providers.rotate_secret(provider, actor.member, body.clientSecret))


@router.post(
    "/idps/{idp}/test",
    response={200: shapes.IdpTestResult, **errors(400, 401, 403, 404, 429)},
    summary="Test an identity provider connection",
)
def test_identity_provider(request, idp: Id):
    """Fetches the discovery document and the key set, and records the outcome on the provider."""
    actor = request.auth
    actor.require(MANAGE)
    provider = providers.get_provider(actor.organization, idp)
    every_request(FETCHES_PER_MEMBER, actor.member.id)
    return providers.check_connection(provider)
