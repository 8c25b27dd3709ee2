"""Identity providers (contract §2.2, §3.2): types, CRUD, auto-setup, test, secret rotation, domains, events.

Auto-setup runs against the real provider bin/test starts (discovery + RFC 7591 registration); the
failures it cannot produce on demand (no registration endpoint, a refused registration, 5xx) come from
the test's own loopback provider (`Forge`). Nothing leaves loopback: outside the local profile the
outbound guard refuses loopback and private addresses before connecting (recorded connections).
"""

import httpx
import pytest
from django.test import override_settings

from localplatform import crypto
from localplatform.events.models import Event
from localplatform.outbound import NOT_ALLOWED
from localplatform.sso.models import EmailDomain, IdentityProvider
from localplatform.sso.services import identity_providers as providers
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.notify_support import Connections
from tests.localplatform.oidc_support import CALLBACK, Forge

SECRET = "s3cret-client-secret-value"
TYPES = ["okta", "entra-id", "google-workspace", "auth0", "keycloak", "generic-oidc"]


@pytest.fixture
def forge():
    with Forge(registration=True) as provider:
        yield provider


@pytest.fixture
def owner_headers(cast, login):
    return bearer(login(cast.owner)["accessToken"])


def body_for(forge: Forge | None, **changes) -> dict:
    """A valid POST /auth/idps body for the Forge (or, without one, for whatever `issuer` says)."""
    return {
        "typeId": "generic-oidc",
        "name": "Acme SSO",
        "issuer": forge.issuer if forge else "http://127.0.0.1:9/",
        "clientId": "lakesail",
        "clientSecret": SECRET,
        "emailDomains": ["Acme.test"],
        **changes,
    }


@pytest.fixture
def created(api, forge, owner_headers) -> dict:
    return ok(api.post("/auth/idps", json=body_for(forge), headers=owner_headers), 201)


def closed_port_url() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


# --- types ----------------------------------------------------------------------------------------


def test_the_type_catalogue_lists_the_shipped_types_in_order(api, cast, login):
    headers = bearer(login(cast.member)["accessToken"])  # any authenticated caller
    items = ok(api.get("/auth/identity-provider-types", headers=headers))["items"]
    assert [t["id"] for t in items] == TYPES
    assert [t["displayOrder"] for t in items] == [1, 2, 3, 4, 5, 6]
    by_id = {t["id"]: t for t in items}
    assert by_id["keycloak"]["capabilities"]["dcr"] == {
        "supported": True,
        "requiresToken": True,
        "tokenType": "initial_access_token",
    }
    assert by_id["entra-id"]["capabilities"]["dcr"]["supported"] is False
    assert by_id["google-workspace"]["metadata"]["defaultIssuer"] == "https://accounts.google.com"
    assert all(t["providerType"] == "oidc" and t["enabled"] and t["visible"] for t in items)
    assert_error(api.get("/auth/identity-provider-types"), 401, "unauthenticated")


def test_the_migration_mirrors_the_catalogue(db):
    from localplatform.sso.models import IdentityProviderType

    assert list(IdentityProviderType.objects.values_list("id", flat=True)) == TYPES


# --- create, read, update, delete -----------------------------------------------------------------


def test_create_discovers_the_provider_and_never_returns_the_secret(api, cast, forge, owner_headers):
    response = api.post("/auth/idps", json=body_for(forge), headers=owner_headers)
    created = ok(response, 201)
    assert SECRET not in response.text
    assert created["clientSecretSet"] is True and created["setupMethod"] == "manual"
    assert created["status"] == "active" and created["statusMessage"] is None
    assert created["scopes"] == ["openid", "email", "profile"] and created["emailDomains"] == ["acme.test"]
    assert created["discovery"] == {
        "authorizationEndpoint": f"{forge.issuer}/authorize",
        "tokenEndpoint": f"{forge.issuer}/token",
        "jwksUri": f"{forge.issuer}/jwks",
        "userinfoEndpoint": None,
        "registrationEndpoint": f"{forge.issuer}/register",
    }
    assert created["createdBy"] == cast.owner.member.id
    described = api.get(f"/auth/idps/{created['id']}", headers=owner_headers)
    assert ok(described) == created and SECRET not in described.text


def test_the_client_secret_is_encrypted_at_rest(created):
    stored = IdentityProvider.objects.get(pk=created["id"]).client_secret
    assert SECRET not in stored
    assert crypto.unseal(stored, purpose=providers.SECRET_PURPOSE) == SECRET
    with pytest.raises(crypto.Unreadable):
        crypto.unseal(stored, purpose="another purpose")


def test_a_provider_whose_discovery_fails_is_created_with_status_error(api, owner_headers):
    body = {**body_for(None), "issuer": closed_port_url(), "name": "Down"}
    created = ok(api.post("/auth/idps", json=body, headers=owner_headers), 201)
    assert created["status"] == "error" and created["discovery"] is None
    assert created["statusMessage"].startswith("Could not connect to 127.0.0.1:")
    disabled = ok(
        api.post(
            "/auth/idps", json={**body, "name": "Off", "status": "disabled", "emailDomains": []}, headers=owner_headers
        ),
        201,
    )
    assert disabled["status"] == "disabled" and disabled["statusMessage"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"typeId": "nope"}, "typeId"),
        ({"clientSecret": None}, "clientSecret"),
        ({"scopes": ["email", "profile"]}, "scopes"),
        ({"scopes": ["openid", "openid"]}, "scopes"),
        ({"scopes": ["openid", 'bad"scope']}, "scopes[1]"),
        ({"emailDomains": ["not a domain"]}, "emailDomains[0]"),
        ({"emailDomains": ["acme.test", "ACME.test"]}, "emailDomains[1]"),
        ({"issuer": "ftp://127.0.0.1/"}, "issuer"),
        ({"issuer": "127.0.0.1:9000"}, "issuer"),
        ({"issuer": "http://user:pw@127.0.0.1/"}, "issuer"),
        ({"autoProvision": "yes"}, "autoProvision"),
        ({"clientSecret": "x" * 1025}, "clientSecret"),
    ],
)
def test_create_refuses_bad_fields(api, forge, owner_headers, changes, field):
    body = assert_error(
        api.post("/auth/idps", json=body_for(forge, **changes), headers=owner_headers), 422, "validation_failed"
    )
    assert set(body["details"]["fieldErrors"]) == {field}
    assert not IdentityProvider.objects.exists()


def test_names_are_unique_and_a_domain_is_claimed_once_per_organization(api, cast, forge, created, owner_headers):
    assert_error(
        api.post("/auth/idps", json=body_for(forge, name="ACME sso"), headers=owner_headers), 409, "already_exists"
    )
    body = assert_error(
        api.post(
            "/auth/idps",
            json=body_for(forge, name="Second", emailDomains=["x.test", "acme.test"]),
            headers=owner_headers,
        ),
        422,
        "validation_failed",
    )
    assert body["details"]["fieldErrors"] == {"emailDomains[1]": "Already claimed by the identity provider “Acme SSO”."}
    # Another organization may claim the same domain (it is not proven to be anyone's).
    providers.create_provider(
        cast.other_org, None, type_id="generic-oidc", name="Acme SSO", issuer=forge.issuer, client_id="g",
        client_secret="s", email_domains=["acme.test"],
    )  # fmt: skip
    assert EmailDomain.objects.filter(domain="acme.test").count() == 2


def test_update_edits_settings_and_a_new_issuer_is_rediscovered(api, forge, created, owner_headers):
    path = f"/auth/idps/{created['id']}"
    changed = ok(
        api.patch(path, json={"name": "Renamed", "scopes": ["openid", "email"], "emailDomains": ["b.test"],
                              "autoProvision": True, "clientId": "other"}, headers=owner_headers)
    )  # fmt: skip
    assert (changed["name"], changed["scopes"], changed["emailDomains"]) == ("Renamed", ["openid", "email"], ["b.test"])
    assert changed["autoProvision"] is True and changed["clientId"] == "other" and changed["status"] == "active"
    assert list(EmailDomain.objects.values_list("domain", flat=True)) == ["b.test"]

    moved = ok(api.patch(path, json={"issuer": closed_port_url()}, headers=owner_headers))
    assert moved["status"] == "error" and moved["statusMessage"].startswith("Could not connect")
    back = ok(api.patch(path, json={"issuer": forge.issuer}, headers=owner_headers))
    assert back["status"] == "active" and back["statusMessage"] is None
    assert ok(api.patch(path, json={}, headers=owner_headers)) == back  # an empty body changes nothing


def test_disabling_and_enabling_again(api, forge, created, owner_headers):
    path = f"/auth/idps/{created['id']}"
    assert ok(api.patch(path, json={"status": "disabled"}, headers=owner_headers))["status"] == "disabled"
    assert ok(api.patch(path, json={"status": "active"}, headers=owner_headers))["status"] == "active"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"clientSecret": "new"}, "clientSecret"),
        ({"name": None}, "name"),
        ({"typeId": "okta"}, "typeId"),
        ({"status": "error"}, "status"),
        ({"scopes": ["email"]}, "scopes"),
    ],
)
def test_update_refuses_bad_fields(api, created, owner_headers, body, field):
    response = api.patch(f"/auth/idps/{created['id']}", json=body, headers=owner_headers)
    assert set(assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]) == {field}


def test_rotate_secret(api, created, owner_headers):
    response = api.post(f"/auth/idps/{created['id']}/rotate-secret", json={"clientSecret": "brand-new-secret"},
                        headers=owner_headers)  # fmt: skip
    rotated = ok(response)
    assert rotated["clientSecretRotatedAt"] is not None and "brand-new-secret" not in response.text
    provider = IdentityProvider.objects.get(pk=created["id"])
    assert providers.client_secret(provider) == "brand-new-secret"
    response = api.post(f"/auth/idps/{created['id']}/rotate-secret", json={"clientSecret": ""}, headers=owner_headers)
    assert_error(response, 422, "validation_failed")


def test_the_connection_test_fetches_discovery_and_keys(api, forge, created, owner_headers):
    path = f"/auth/idps/{created['id']}"
    result = ok(api.post(f"{path}/test", headers=owner_headers))
    assert result["success"] is True and result["discovery"] == created["discovery"]
    assert result["message"] == "The discovery document and the signing keys were fetched."
    assert ok(api.get(path, headers=owner_headers))["lastTestedAt"] == result["checkedAt"]
    assert [p for m, p, _, _ in forge.requests][-2:] == ["/.well-known/openid-configuration", "/jwks"]

    forge.discovery_status = 503
    failed = ok(api.post(f"{path}/test", headers=owner_headers))
    assert failed["success"] is False and failed["message"] == f"{forge.issuer[7:]} answered 503."
    described = ok(api.get(path, headers=owner_headers))
    assert described["status"] == "error" and described["statusMessage"] == failed["message"]

    forge.discovery_status = 200
    api.patch(path, json={"status": "disabled"}, headers=owner_headers)
    assert ok(api.post(f"{path}/test", headers=owner_headers))["success"] is True
    assert ok(api.get(path, headers=owner_headers))["status"] == "disabled"  # a disabled provider stays disabled


def test_delete(api, created, owner_headers):
    path = f"/auth/idps/{created['id']}"
    assert api.delete(path, headers=owner_headers).status_code == 204
    assert_error(api.get(path, headers=owner_headers), 404, "not_found")
    assert_error(api.delete(path, headers=owner_headers), 404, "not_found")
    assert not EmailDomain.objects.exists()


def test_list_is_by_name_with_markers(api, cast, forge, owner_headers):
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo"]:
        api.post("/auth/idps", json=body_for(forge, name=name, emailDomains=[]), headers=owner_headers)
    first = ok(api.get("/auth/idps", params={"limit": 2}, headers=owner_headers))
    assert [p["name"] for p in first["items"]] == ["Alpha", "Bravo"] and first["marker"]
    second = ok(api.get("/auth/idps", params={"limit": 2, "marker": first["marker"]}, headers=owner_headers))
    third = ok(api.get("/auth/idps", params={"limit": 2, "marker": second["marker"]}, headers=owner_headers))
    assert [p["name"] for p in second["items"] + third["items"]] == ["charlie", "delta", "echo"]
    assert "marker" not in third
    assert ok(api.get("/auth/idps", params={"limit": 0}, headers=owner_headers)) == {"items": []}
    assert_error(api.get("/auth/idps", params={"marker": "forged"}, headers=owner_headers), 400, "invalid_request")


# --- events (§2.7) --------------------------------------------------------------------------------


def test_created_rotated_and_deleted_emit_events(api, cast, created, owner_headers):
    path = f"/auth/idps/{created['id']}"
    api.post(f"{path}/rotate-secret", json={"clientSecret": "another"}, headers=owner_headers)
    api.patch(path, json={"name": "Renamed"}, headers=owner_headers)  # no event for an edit
    api.delete(path, headers=owner_headers)
    events = list(Event.objects.filter(resource_type="identity_provider").order_by("occurred_at", "type"))
    assert [e.type for e in events] == [
        "identity_provider.created",
        "identity_provider.secret_rotated",
        "identity_provider.deleted",
    ]
    assert {e.organization_id for e in events} == {cast.org.id}
    assert events[0].data == {
        "idpId": created["id"],
        "name": "Acme SSO",
        "issuer": created["issuer"],
        "actorMemberId": cast.owner.member.id,
    }
    assert events[2].resource_name == events[2].data["name"] == "Renamed"


def test_a_notification_rule_can_watch_one_provider(api, cast, created, owner_headers):
    inbox = {"type": "email", "name": "Inbox", "config": {"memberId": cast.owner.member.id}}
    channel = ok(api.post("/notifications/channels", json=inbox, headers=owner_headers), 201)
    rule = {
        "name": "This provider",
        "eventTypes": ["identity_provider.secret_rotated"],
        "scopeType": "resource",
        "resourceId": created["id"],
        "channelIds": [channel["id"]],
    }
    ok(api.post("/notifications/rules", json=rule, headers=owner_headers), 201)
    unknown = api.post("/notifications/rules", json=rule | {"resourceId": "A1B2C3D4E5"}, headers=owner_headers)
    assert set(assert_error(unknown, 422, "validation_failed")["details"]["fieldErrors"]) == {"resourceId"}


# --- auto-setup -----------------------------------------------------------------------------------


def test_auto_setup_registers_lakesail_at_the_real_provider(api, cast, oidc_issuer, owner_headers):
    body = {"name": "Local OIDC", "providerUrl": oidc_issuer + "/", "emailDomains": ["acme.test"]}
    response = api.post("/auth/idps/auto-setup", json=body, headers=owner_headers)
    created = ok(response, 201)
    assert created["setupMethod"] == "auto_setup" and created["typeId"] == "generic-oidc"
    assert created["issuer"] == oidc_issuer and created["status"] == "active" and created["clientSecretSet"]
    assert created["discovery"]["registrationEndpoint"] == f"{oidc_issuer}/reg"
    provider = IdentityProvider.objects.get(pk=created["id"])
    assert providers.client_secret(provider) not in response.text
    # The provider knows the client, with the console's callback page as its redirect URI (RFC 7592 read).
    token = crypto.unseal(provider.registration_access_token, purpose=providers.REGISTRATION_PURPOSE)
    registered = httpx.get(provider.registration_client_uri, headers=bearer(token), trust_env=False).json()
    assert registered["client_id"] == created["clientId"] and registered["redirect_uris"] == [CALLBACK]
    assert registered["client_name"] == "LakeSail (Acme Analytics)"
    # Deleting the provider deletes the client there too.
    api.delete(f"/auth/idps/{created['id']}", headers=owner_headers)
    assert httpx.get(provider.registration_client_uri, headers=bearer(token), trust_env=False).status_code == 401


def test_auto_setup_without_a_registration_endpoint_is_dcr_not_supported(api, owner_headers):
    with Forge(registration=False) as plain:
        body = {"name": "Plain", "providerUrl": plain.issuer}
        error = assert_error(
            api.post("/auth/idps/auto-setup", json=body, headers=owner_headers), 422, "dcr_not_supported"
        )
    assert error["message"] == "The provider does not offer dynamic client registration."
    assert not IdentityProvider.objects.exists()


def test_auto_setup_for_a_type_without_registration_is_dcr_not_supported(api, forge, owner_headers):
    body = {"name": "Entra", "providerUrl": forge.issuer, "typeId": "entra-id"}
    assert_error(api.post("/auth/idps/auto-setup", json=body, headers=owner_headers), 422, "dcr_not_supported")
    assert forge.requests == []  # nothing was fetched


def test_a_refused_registration_is_dcr_not_supported_with_the_providers_error(api, owner_headers):
    with Forge(registration=True, registration_status=403) as closed:
        body = {"name": "Closed", "providerUrl": closed.issuer}
        error = assert_error(
            api.post("/auth/idps/auto-setup", json=body, headers=owner_headers), 422, "dcr_not_supported"
        )
    assert error["details"]["causedBy"] == "idp:access_denied"
    assert error["message"] == "The provider refused the registration: closed."


def test_a_provider_failing_with_5xx_is_unavailable(api, owner_headers):
    with Forge(registration=True, discovery_status=502) as failing:
        body = {"name": "Failing", "providerUrl": failing.issuer}
        error = assert_error(api.post("/auth/idps/auto-setup", json=body, headers=owner_headers), 503, "unavailable")
    assert error["details"]["causedBy"] == "idp:http_502" and error["details"]["retryable"] is True


def test_keycloak_auto_setup_needs_an_initial_access_token(api, forge, owner_headers):
    body = {"name": "KC", "providerUrl": forge.issuer, "typeId": "keycloak"}
    error = assert_error(api.post("/auth/idps/auto-setup", json=body, headers=owner_headers), 422, "validation_failed")
    assert set(error["details"]["fieldErrors"]) == {"initialAccessToken"}
    created = ok(
        api.post("/auth/idps/auto-setup", json={**body, "initialAccessToken": "iat-123"}, headers=owner_headers), 201
    )
    assert created["clientId"] == "registered"
    [headers] = [h for m, p, h, _ in forge.requests if p == "/register"]
    assert headers["Authorization"] == "Bearer iat-123"


@pytest.mark.parametrize(
    "provider_url, message",
    [
        ("127.0.0.1:9000", "Enter a URL starting with http:// or https://."),
        ("closed", "Could not connect to 127.0.0.1:"),
        ("no discovery", "No discovery document at 127.0.0.1:"),
    ],
)
def test_auto_setup_refuses_a_provider_url_it_cannot_use(api, owner_headers, provider_url, message):
    with Forge() as forge:
        url = {"closed": closed_port_url(), "no discovery": forge.issuer + "/nothing-here"}.get(
            provider_url, provider_url
        )
        error = assert_error(
            api.post("/auth/idps/auto-setup", json={"name": "X", "providerUrl": url}, headers=owner_headers),
            422,
            "validation_failed",
        )
    assert error["details"]["fieldErrors"]["providerUrl"].startswith(message)


# --- permissions (§1.13) and the outbound guard (§6 item 15) --------------------------------------


@pytest.mark.parametrize("who", ["member", "auditor", "billing_viewer"])
def test_only_identity_admins_reach_providers_and_the_check_comes_first(api, cast, forge, created, login, request, who):
    person = {"member": cast.member}.get(who) or request.getfixturevalue(who)
    headers = bearer(login(person)["accessToken"])
    for provider_id in (created["id"], "A1B2C3D4E5"):  # an existing and a missing provider: the same 403
        for method, path, body in [
            ("GET", "/auth/idps", None),
            ("POST", "/auth/idps", body_for(forge, name="Mine")),
            ("POST", "/auth/idps/auto-setup", {"name": "Mine", "providerUrl": forge.issuer}),
            ("GET", f"/auth/idps/{provider_id}", None),
            ("PATCH", f"/auth/idps/{provider_id}", {"name": "Mine"}),
            ("DELETE", f"/auth/idps/{provider_id}", None),
            ("POST", f"/auth/idps/{provider_id}/rotate-secret", {"clientSecret": "x"}),
            ("POST", f"/auth/idps/{provider_id}/test", None),
        ]:
            assert_error(api.request(method, path, json=body, headers=headers), 403, "permission_denied")
    assert IdentityProvider.objects.count() == 1


def test_admins_manage_providers_and_other_organizations_see_none(api, cast, forge, created, login):
    admin = bearer(login(cast.admin)["accessToken"])
    assert [p["id"] for p in ok(api.get("/auth/idps", headers=admin))["items"]] == [created["id"]]
    outsider = bearer(login(cast.outsider)["accessToken"])
    assert ok(api.get("/auth/idps", headers=outsider))["items"] == []
    assert_error(api.get(f"/auth/idps/{created['id']}", headers=outsider), 404, "not_found")
    assert_error(api.post(f"/auth/idps/{created['id']}/test", headers=outsider), 404, "not_found")
    header = {**outsider, "LakeSail-Organization-Id": cast.org.id}
    assert_error(api.get("/auth/idps", headers=header), 403, "organization_access_denied")


def test_outside_the_local_profile_loopback_and_private_providers_are_refused_before_connecting(
    api, owner_headers, monkeypatch
):
    connections = Connections(monkeypatch)
    with override_settings(LAKESAIL_LOCAL_MODE=False):
        for url in ("https://127.0.0.1/", "https://10.0.0.1/", "https://[::1]:8443/", "https://169.254.169.254/"):
            create = api.post("/auth/idps", json={**body_for(None), "issuer": url}, headers=owner_headers)
            assert assert_error(create, 422, "validation_failed")["details"]["fieldErrors"] == {"issuer": NOT_ALLOWED}
            setup = api.post("/auth/idps/auto-setup", json={"name": "X", "providerUrl": url}, headers=owner_headers)
            assert assert_error(setup, 422, "validation_failed")["details"]["fieldErrors"] == {
                "providerUrl": NOT_ALLOWED
            }
        plain = api.post("/auth/idps", json={**body_for(None), "issuer": "http://127.0.0.1/"}, headers=owner_headers)
        assert assert_error(plain, 422, "validation_failed")["details"]["fieldErrors"] == {
            "issuer": "Enter an https:// URL."
        }
    assert connections.made == []
