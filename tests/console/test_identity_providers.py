"""Settings → Identity providers: list, add by URL (against the real loopback OIDC provider) and by hand,
edit, test, rotate, delete; permissions, refusals at the field, platform down, call counts."""

import pytest
from django.test import Client

from localplatform.sso.models import IdentityProvider
from localplatform.sso.services import identity_providers as providers
from tests.client.support import assert_kept, faults, writes_fail
from tests.console.conftest import sign_in
from tests.console.test_dashboard import text_of
from tests.console.test_members import calls_of
from tests.localplatform.oidc_support import Forge

HX = {"HX-Request": "true"}


@pytest.fixture
def owner(signed_in, cast):
    client = signed_in(cast.owner)
    client.get("/")  # the first screen learns the caller's permissions (cached in the session)
    return client


@pytest.fixture
def manual(owner, forge):
    """A provider registered by hand against the Forge (discovery on loopback)."""
    data = {
        "method": "manual",
        "type_id": "generic-oidc",
        "name": "Forge",
        "issuer": forge.issuer,
        "client_id": Forge.CLIENT_ID,
        "client_secret": Forge.CLIENT_SECRET,
        "email_domains": "acme.test",
    }
    response = owner.post("/settings/identity-providers/new", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return IdentityProvider.objects.get(name="Forge")


def test_empty_list_offers_to_add_one_in_one_call(owner):
    response = owner.get("/settings/identity-providers")
    assert response.status_code == 200
    assert "No identity providers yet" in text_of(response)
    assert 'href="/settings/identity-providers/new"' in response.content.decode()
    assert calls_of(response) == ["GET /auth/idps"]


def test_auto_setup_by_url_registers_at_the_real_provider(owner, oidc_issuer):
    data = {
        "name": "Local OIDC",
        "provider_url": oidc_issuer,
        "email_domains": "acme.test, ACME.io",
        "auto_provision": "on",
    }
    response = owner.post("/settings/identity-providers/new", data)
    provider = IdentityProvider.objects.get(name="Local OIDC")
    assert response.status_code == 302 and response["Location"] == f"/settings/identity-providers/{provider.id}"
    page = owner.get(response["Location"])
    text = text_of(page)
    assert "Local OIDC is registered through auto-setup" in text
    assert "Set up from its URL by dynamic client registration" in text and "secret stored" in text
    assert providers.client_secret(provider) not in page.content.decode()  # never shown back
    assert calls_of(page) == ["GET /auth/idps/" + provider.id]
    listed = text_of(owner.get("/settings/identity-providers"))
    assert "Local OIDC" in listed and "acme.test" in listed and "acme.io" in listed and "Active" in listed


def test_a_provider_url_without_discovery_is_refused_at_the_field_keeping_the_input(owner):
    data = {"name": "Nowhere", "provider_url": "http://127.0.0.1:9/", "email_domains": "nowhere.test"}
    response = owner.post("/settings/identity-providers/new", data, headers=HX)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="id_provider_url_error"' in html
    assert 'value="Nowhere"' in html and 'value="nowhere.test"' in html
    assert not IdentityProvider.objects.exists()


def test_manual_registration_needs_the_type_and_names_what_is_missing(owner):
    response = owner.post("/settings/identity-providers/new", {"method": "manual", "name": "X"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Choose the provider type." in text and "Enter the issuer URL." in text and "Enter the client ID." in text
    assert "3 fields to correct" in text


def test_a_taken_name_is_an_error_at_the_name(owner, manual, forge):
    data = {"method": "manual", "type_id": "generic-oidc", "name": "Forge", "issuer": forge.issuer, "client_id": "x"}
    data["client_secret"] = "another-secret"
    response = owner.post("/settings/identity-providers/new", data)
    assert response.status_code == 422
    assert "Another identity provider already has this name." in text_of(response)


def test_test_connection_shows_the_result_in_place(owner, manual):
    response = owner.post(f"/settings/identity-providers/{manual.id}/test", headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="idp-status"') and "Test passed" in html
    assert calls_of(response) == [f"POST /auth/idps/{manual.id}/test", f"GET /auth/idps/{manual.id}"]
    manual.refresh_from_db()
    assert manual.last_tested_at is not None


def test_edit_sends_only_what_changed_and_a_refusal_stays_at_its_field(owner, manual, forge):
    page = owner.get(f"/settings/identity-providers/{manual.id}")
    assert 'value="acme.test"' in page.content.decode()
    data = {
        "name": "Forge SSO",
        "status": "disabled",
        "issuer": forge.issuer,
        "client_id": Forge.CLIENT_ID,
        "scopes": "openid email profile",
        "email_domains": "acme.test",
    }
    response = owner.post(f"/settings/identity-providers/{manual.id}", data)
    assert response.status_code == 302
    manual.refresh_from_db()
    assert manual.name == "Forge SSO" and manual.status == "disabled"
    refused = owner.post(f"/settings/identity-providers/{manual.id}", data | {"scopes": "email"}, headers=HX)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'id="id_scopes_error"' in html and 'value="email"' in html


def test_rotating_the_secret_never_shows_it(owner, manual):
    response = owner.post(
        f"/settings/identity-providers/{manual.id}/rotate-secret", {"client_secret": "s3cret-new-value"}
    )
    assert response.status_code == 302
    manual.refresh_from_db()
    assert providers.client_secret(manual) == "s3cret-new-value"
    page = owner.get(f"/settings/identity-providers/{manual.id}")
    assert "s3cret-new-value" not in page.content.decode() and "replaced" in text_of(page)
    empty = owner.post(f"/settings/identity-providers/{manual.id}/rotate-secret", {"client_secret": ""}, headers=HX)
    assert empty.status_code == 422 and "Enter the new client secret." in text_of(empty)


def test_delete_says_what_happens_and_removes_it(owner, manual):
    page = text_of(owner.get(f"/settings/identity-providers/{manual.id}"))
    assert "People who signed in only through it keep their accounts" in page
    response = owner.post(f"/settings/identity-providers/{manual.id}/delete")
    assert response.status_code == 302 and response["Location"] == "/settings/identity-providers"
    assert not IdentityProvider.objects.filter(pk=manual.pk).exists()


@pytest.mark.parametrize("who", ["member", "auditor"])
def test_without_the_permission_the_screen_says_who_can_and_the_platform_refuses(cast, auditor, who, manual):
    person = auditor if who == "auditor" else cast.member
    client = Client()  # the `owner` client made the provider
    assert sign_in(client, person).status_code == 302
    client.get("/")
    response = client.get("/settings/identity-providers")
    assert response.status_code == 403
    assert "Only Owners and Admins manage identity providers" in text_of(response)
    assert 'href="/settings/identity-providers"' not in response.content.decode()  # not in the navigation
    assert client.get(f"/settings/identity-providers/{manual.id}").status_code == 403
    assert client.post(f"/settings/identity-providers/{manual.id}/delete").status_code == 403
    assert IdentityProvider.objects.filter(pk=manual.pk).exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/settings/identity-providers")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in?next=")


def test_an_unknown_provider_is_not_found(owner):
    assert owner.get("/settings/identity-providers/A1B2C3D4E5").status_code == 404


def test_platform_down_on_submit_keeps_what_was_typed(owner):
    data = {"name": "Local OIDC", "provider_url": "https://login.acme.test", "email_domains": "acme.test"}
    with faults(writes_fail):
        response = owner.post("/settings/identity-providers/new", data)
    assert response.status_code == 422
    assert_kept(
        response, {"name": "Local OIDC", "provider_url": "https://login.acme.test", "email_domains": "acme.test"}
    )


def test_platform_down_on_edit_keeps_what_was_typed(owner, manual, forge):
    data = {
        "name": "Renamed",
        "status": "active",
        "issuer": forge.issuer,
        "client_id": "other-client",
        "email_domains": "x.test",
    }
    with faults(writes_fail):
        response = owner.post(f"/settings/identity-providers/{manual.id}", data)
    assert response.status_code == 422
    assert_kept(response, {"name": "Renamed", "client_id": "other-client", "email_domains": "x.test"})
