"""The identity-provider and SSO client functions against the local platform, through the real client.

Providers are the test's own loopback provider (Forge) and, for a whole sign-in, the real provider
bin/test starts; the console's callback page is on the origin the embedded platform sees the console at.
"""

from urllib.parse import urlencode

import pytest

from console.client import auth
from console.client import identity_providers as idps
from console.client.base import Platform
from console.client.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from console.client.models.auth import TokenResponse
from localplatform.identity.models import Login
from localplatform.sso.services import identity_providers as providers
from tests.localplatform.oidc_support import Forge, query_of, sign_in_at_provider

CALLBACK = "https://testserver/sign-in/sso/callback"


@pytest.fixture
def forge():
    with Forge(registration=True) as provider:
        yield provider


def test_the_type_catalogue(platform_for, cast):
    types = idps.list_identity_provider_types(platform_for(cast.member))
    assert [t.id for t in types] == ["okta", "entra-id", "google-workspace", "auth0", "keycloak", "generic-oidc"]
    keycloak = types[4]
    assert keycloak.capabilities.dcr.supported and keycloak.capabilities.dcr.requires_token
    assert keycloak.metadata.vendor_type == "self_hosted"


def test_an_admin_manages_a_provider(platform_for, cast, forge):
    platform = platform_for(cast.admin)
    created = idps.create_identity_provider(
        platform,
        type_id="generic-oidc",
        name="Forge",
        issuer=forge.issuer,
        client_id="lakesail",
        client_secret="client-secret",
        email_domains=["acme.test"],
    )
    assert created.client_secret_set and created.status == "active" and created.setup_method == "manual"
    assert created.discovery is not None and created.discovery.jwks_uri == f"{forge.issuer}/jwks"
    assert idps.describe_identity_provider(platform, created.id) == created

    updated = idps.update_identity_provider(platform, created.id, name="Renamed", auto_provision=True)
    assert updated.name == "Renamed" and updated.auto_provision and updated.email_domains == ["acme.test"]
    rotated = idps.rotate_identity_provider_secret(platform, created.id, client_secret="rotated-secret")
    assert rotated.client_secret_rotated_at is not None
    result = idps.test_identity_provider(platform, created.id)
    assert result.success and result.discovery == created.discovery

    auto = idps.auto_setup_identity_provider(platform, name="Auto", provider_url=forge.issuer)
    assert auto.setup_method == "auto_setup" and auto.client_id == "registered"
    first = idps.list_identity_providers(platform, limit=1)
    second = idps.list_identity_providers(platform, limit=1, marker=first.marker)
    assert [p.name for p in first.items + second.items] == ["Auto", "Renamed"] and second.marker is None

    idps.delete_identity_provider(platform, created.id)
    with pytest.raises(NotFound):
        idps.describe_identity_provider(platform, created.id)


def test_refusals_become_the_client_exceptions(platform_for, cast, forge):
    with pytest.raises(Forbidden):
        idps.list_identity_providers(platform_for(cast.member))
    admin = platform_for(cast.admin)
    with pytest.raises(ValidationFailed) as refused:
        idps.create_identity_provider(
            admin, type_id="generic-oidc", name="X", issuer=forge.issuer, client_id="c", client_secret="s",
            email_domains=["not a domain"],
        )  # fmt: skip
    assert refused.value.field_errors == {"emailDomains[0]": "Enter a domain such as example.com."}
    with pytest.raises(ValidationFailed) as unsupported:
        idps.auto_setup_identity_provider(admin, name="Entra", provider_url=forge.issuer, type_id="entra-id")
    assert unsupported.value.code == "dcr_not_supported"


def test_sign_in_with_sso_through_the_client(cast, forge):
    providers.create_provider(
        cast.org, None, type_id="generic-oidc", name="Forge", issuer=forge.issuer, client_id=Forge.CLIENT_ID,
        client_secret=Forge.CLIENT_SECRET, email_domains=["acme.test"],
    )  # fmt: skip
    started = auth.start_sso(Platform.anonymous(), redirect_uri=CALLBACK, email="member@acme.test")
    assert started.expires_in == 600 and "state=" in started.authorization_url
    assert started.state not in repr(started)
    forge.answer_with(forge.sign(forge.claims(query_of(started.authorization_url)["nonce"])))

    tokens = auth.complete_sso(
        Platform.anonymous(), query_string="?" + urlencode({"state": started.state, "code": "c"})
    )
    assert isinstance(tokens, TokenResponse) and tokens.organization_id == cast.org.id
    with pytest.raises(Unauthorized) as again:  # the state was spent
        auth.complete_sso(Platform.anonymous(), query_string=urlencode({"state": started.state, "code": "c"}))
    assert again.value.code == "sso_failed"
    with pytest.raises(ValidationFailed):
        auth.start_sso(Platform.anonymous(), redirect_uri="https://elsewhere.test/cb", email="member@acme.test")


def test_a_whole_sign_in_at_the_real_provider(platform_for, cast, oidc_issuer):
    admin = platform_for(cast.admin)
    provider = idps.auto_setup_identity_provider(
        admin, name="Local OIDC", provider_url=oidc_issuer, email_domains=["acme.test"], auto_provision=True
    )
    assert provider.status == "active" and provider.issuer == oidc_issuer

    started = auth.start_sso(Platform.anonymous(), redirect_uri=CALLBACK, idp_id=provider.id)
    answer = sign_in_at_provider(started.authorization_url, "new.hire@acme.test", redirect_uri=CALLBACK)
    tokens = auth.complete_sso(Platform.anonymous(), query_string=urlencode(answer))
    assert tokens.organization_id == cast.org.id and tokens.mfa_enrollment_required is False
    assert Login.objects.get(user__email="new.hire@acme.test").method == "sso"
