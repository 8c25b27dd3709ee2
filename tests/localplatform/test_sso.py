"""Single sign-on (contract §3.1.7-3.1.8; issue 11, Must show 2 on the platform side).

The happy paths and the failures a real provider produces (a reused state, an error answer, an
unverified email, an unknown domain) run against the real provider bin/test starts (oidc_support).
The ID tokens a real provider will not mint (signed by another key, expired, a wrong nonce, audience or
issuer, alg none) come from `Forge`, a loopback provider of the test's own whose token endpoint answers
with a token the test signed. Every failure is an Error object and signs nobody in.
"""

from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from localplatform import crypto
from localplatform.events.models import Event
from localplatform.identity.models import Login, Member, User
from localplatform.identity.services import directory
from localplatform.sso.models import IdentityProvider, SsoAttempt
from localplatform.sso.services import identity_providers as providers
from localplatform.sso.services import sso
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.oidc_support import (
    CALLBACK,
    Forge,
    pkce_matches,
    query_of,
    sign_in_at_provider,
)


@pytest.fixture
def forged_idp(cast, forge):
    return providers.create_provider(
        cast.org,
        cast.owner.member,
        type_id="generic-oidc",
        name="Forge",
        issuer=forge.issuer,
        client_id=Forge.CLIENT_ID,
        client_secret=Forge.CLIENT_SECRET,
        email_domains=["acme.test"],
        auto_provision=True,
    )


def start(api, **params) -> dict:
    return ok(api.get("/auth/sso/start", params={"redirectUri": CALLBACK, **params}))


def sign_in_for_real(api, login: str, **start_params):
    """Start, sign in at the real provider as `login`, and forward its answer to the callback."""
    started = start(api, **(start_params or {"email": login}))
    return api.get("/auth/sso/callback", params=sign_in_at_provider(started["authorizationUrl"], login))


def forged_callback(api, forge: Forge, *, login: str = "member@acme.test", sign=None, **changes):
    """Start with `login`'s email, let the Forge answer the code with a token for `login` in which `changes`
    replace claims (None removes one), and call the callback."""
    started = start(api, email=login)
    nonce = query_of(started["authorizationUrl"])["nonce"]
    claims = forge.claims(nonce, email=login)
    claims = {key: value for key, value in (claims | changes).items() if value is not None}
    forge.answer_with(sign(claims) if sign else forge.sign(claims))
    return api.get("/auth/sso/callback", params={"state": started["state"], "code": "forge-code"})


def refused(response, code: str = "sso_failed", status: int = 401, logins: int = 0) -> dict:
    """The Error object, no tokens, and no new login for anyone."""
    body = assert_error(response, status, code)
    assert "accessToken" not in response.text
    assert Login.objects.count() == logins
    return body


# --- signing in through the real provider ------------------------------------------------------------


def test_an_existing_member_signs_in_through_the_real_provider(api, cast, real_idp, oidc_issuer):
    started = start(api, email="Member@Acme.test")
    url, query = started["authorizationUrl"], query_of(started["authorizationUrl"])
    assert url.startswith(f"{oidc_issuer}/auth?") and started["expiresIn"] == 600
    assert query["response_type"] == "code" and query["client_id"] == real_idp.client_id
    assert query["redirect_uri"] == CALLBACK and query["scope"] == "openid email profile"
    assert query["state"] == started["state"] and query["nonce"] and query["code_challenge_method"] == "S256"

    answer = sign_in_at_provider(url, "member@acme.test")
    assert answer["state"] == started["state"] and answer["code"]
    tokens = ok(api.get("/auth/sso/callback", params=answer))

    assert tokens["organizationId"] == cast.org.id and tokens["tokenType"] == "Bearer"
    assert tokens["mfaEnrollmentRequired"] is False
    me = ok(api.get("/me", headers=bearer(tokens["accessToken"])))
    assert me["user"]["email"] == "member@acme.test" and me["member"]["id"] == cast.member.member.id
    login = Login.objects.get()
    assert (login.method, login.mfa, login.user_id) == ("sso", False, cast.member.user.id)
    assert Member.objects.filter(organization=cast.org).count() == 3  # nobody was added


def test_a_new_person_becomes_a_managed_member_with_the_default_role(api, cast, real_idp):
    directory.update_settings(cast.org, None, default_role_id=directory.role("auditor").id)
    tokens = ok(sign_in_for_real(api, "new.hire@acme.test"))

    member = Member.objects.select_related("user").get(user__email="new.hire@acme.test")
    assert member.organization == cast.org and member.account_type == Member.MANAGED
    assert [role.key for role in member.roles.all()] == ["auditor"]
    user = member.user
    assert user.email_verified and not user.has_usable_password()
    assert (user.given_name, user.family_name, user.display_name) == ("Nina", "Newhire", "Nina Newhire")
    joined = Event.objects.get(type="member.joined", resource_id=member.id)
    assert joined.data["actorMemberId"] is None and joined.data["email"] == "new.hire@acme.test"
    listed = ok(api.get("/org/members", headers=bearer(tokens["accessToken"])))
    assert listed["total"] == 4


def test_sso_skips_lakesail_mfa_and_the_enrollment_gate(api, cast, real_idp):
    directory.update_settings(cast.org, None, require_mfa=True)
    User.objects.filter(pk=cast.owner.user.pk).update(mfa_enabled=True)  # would get an MFA challenge

    for login in ("owner@acme.test", "member@acme.test"):  # enrolled, and not enrolled under requireMfa
        tokens = ok(sign_in_for_real(api, login))
        assert "mfaRequired" not in tokens and tokens["mfaEnrollmentRequired"] is False
        ok(api.get("/org/members", headers=bearer(tokens["accessToken"])))


def test_start_by_provider_id_in_an_organization(api, cast, real_idp):
    started = start(api, idpId=real_idp.id, organizationId=cast.org.id)
    assert "login_hint" not in query_of(started["authorizationUrl"])
    answer = sign_in_at_provider(started["authorizationUrl"], "admin@acme.test")
    assert ok(api.get("/auth/sso/callback", params=answer))["organizationId"] == cast.org.id
    assert_error(
        api.get(
            "/auth/sso/start",
            params={"redirectUri": CALLBACK, "idpId": real_idp.id, "organizationId": cast.other_org.id},
        ),
        404,
        "not_found",
    )


# --- Must show 2: each failure a clear error, nobody signed in ----------------------------------------


def test_a_reused_state_is_refused(api, cast, real_idp):
    started = start(api, email="member@acme.test")
    answer = sign_in_at_provider(started["authorizationUrl"], "member@acme.test")
    ok(api.get("/auth/sso/callback", params=answer))

    body = refused(api.get("/auth/sso/callback", params=answer), logins=1)
    assert body["message"] == "This sign-in has expired or was already used: start signing in again."
    assert body["details"]["causedBy"] is None


def test_an_error_answer_from_the_provider_is_reported_with_its_code(api, cast, real_idp):
    started = start(api, email="member@acme.test")
    answer = sign_in_at_provider(started["authorizationUrl"], "member@acme.test", cancel=True)
    assert answer["error"] == "access_denied" and answer["state"] == started["state"]

    body = refused(api.get("/auth/sso/callback", params=answer))
    assert body["details"]["causedBy"] == "idp:access_denied"
    assert body["message"] == "The identity provider refused the sign-in: End-User aborted interaction"
    refused(api.get("/auth/sso/callback", params=answer))  # the state is spent either way


def test_an_email_the_provider_has_not_verified_is_refused(api, cast, real_idp):
    body = refused(sign_in_for_real(api, "unverified@acme.test"))
    assert body["message"] == "The identity provider has not verified the email address unverified@acme.test."
    assert not User.objects.filter(email="unverified@acme.test").exists()


def test_an_unknown_email_domain_finds_no_provider(api, cast, real_idp):
    body = assert_error(
        api.get("/auth/sso/start", params={"redirectUri": CALLBACK, "email": "ann@unknown.test"}), 404, "not_found"
    )
    assert body["message"] == "No organization signs in people from unknown.test with single sign-on."
    # Started by provider id, a person of a domain the provider does not claim is not provisioned.
    refused(sign_in_for_real(api, "ann@unknown.test", idpId=real_idp.id), "organization_access_denied", 403)
    assert not User.objects.filter(email="ann@unknown.test").exists()
    assert Login.objects.count() == 0


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"nonce": "another-sign-in"}, "The ID token's nonce does not match this sign-in."),
        ({"exp": 1_700_000_000, "iat": 1_699_999_000}, "The ID token has expired."),
        ({"aud": "someone-else"}, "The ID token was issued to another client."),
        ({"iss": "http://127.0.0.1:9/other"}, "The ID token was issued by another issuer."),
        ({"nonce": None}, "The ID token's nonce does not match this sign-in."),
        ({"email_verified": False}, "The identity provider has not verified the email address member@acme.test."),
        ({"email": None}, "The identity provider did not share an email address."),
    ],
    ids=["wrong nonce", "expired", "wrong audience", "wrong issuer", "no nonce", "unverified", "no email"],
)
def test_an_id_token_that_fails_a_check_is_refused(api, forge, forged_idp, changes, message):
    body = refused(forged_callback(api, forge, **changes))
    assert body["message"] == message and body["details"]["causedBy"] is None


@pytest.mark.parametrize(
    "signing, message",
    [
        ("another key", "The ID token's signature does not match any key the provider publishes."),
        ("unknown kid", "The ID token's signature does not match any key the provider publishes."),
        ("alg none", "The ID token is signed with an algorithm LakeSail does not accept."),
        ("HS256 with the client secret", "The ID token is signed with an algorithm LakeSail does not accept."),
    ],
)
def test_an_id_token_not_signed_by_the_provider_is_refused(api, forge, forged_idp, signing, message):
    sign = {
        "another key": lambda claims: forge.sign(claims, key=forge.other_key),
        "unknown kid": lambda claims: forge.sign(claims, key=forge.other_key, kid="rotated-away"),
        "alg none": lambda claims: jwt.encode(claims, None, algorithm="none"),
        "HS256 with the client secret": lambda claims: jwt.encode(claims, Forge.CLIENT_SECRET, algorithm="HS256"),
    }[signing]
    assert refused(forged_callback(api, forge, sign=sign))["message"] == message


def test_the_token_endpoint_refusing_the_code_is_reported_with_its_code(api, forge, forged_idp):
    started = start(api, email="member@acme.test")
    forge.reply = (400, {"error": "invalid_grant", "error_description": "code expired"})
    body = refused(api.get("/auth/sso/callback", params={"state": started["state"], "code": "stale"}))
    assert body["details"]["causedBy"] == "idp:invalid_grant"
    assert body["message"] == "The identity provider refused the sign-in code: code expired."


def test_a_forged_valid_token_signs_in_with_pkce_and_client_authentication(api, cast, forge, forged_idp):
    started = start(api, email="member@acme.test")
    challenge = query_of(started["authorizationUrl"])["code_challenge"]
    nonce = query_of(started["authorizationUrl"])["nonce"]
    forge.answer_with(forge.sign(forge.claims(nonce)))
    tokens = ok(api.get("/auth/sso/callback", params={"state": started["state"], "code": "c0de", "iss": forge.issuer}))
    assert tokens["organizationId"] == cast.org.id

    [form] = forge.token_requests()
    assert form["grant_type"] == "authorization_code" and form["code"] == "c0de"
    assert form["redirect_uri"] == CALLBACK and pkce_matches(form["code_verifier"], challenge)
    [headers] = [h for method, path, h, _ in forge.requests if path == "/token"]
    assert headers["Authorization"].startswith("Basic ")


def test_state_and_verifier_are_not_stored_in_clear(api, forged_idp):
    started = start(api, email="member@acme.test")
    attempt = SsoAttempt.objects.get()
    assert started["state"] not in (attempt.state_hash, attempt.code_verifier)
    verifier = crypto.unseal(attempt.code_verifier, purpose=sso.VERIFIER_PURPOSE)
    assert pkce_matches(verifier, query_of(started["authorizationUrl"])["code_challenge"])


@pytest.mark.parametrize(
    "query",
    [{}, {"state": "never-issued", "code": "x"}, {"state": "expired", "code": "x"}],
    ids=["no state", "unknown state", "expired state"],
)
def test_a_missing_unknown_or_expired_state_is_refused(api, forge, forged_idp, query):
    if query.get("state") == "expired":
        query["state"] = start(api, email="member@acme.test")["state"]
        SsoAttempt.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    refused(api.get("/auth/sso/callback", params=query))
    assert forge.token_requests() == []  # no code was redeemed


def test_an_error_sent_without_a_state_is_still_reported(api, forged_idp):
    query = {"error": "unauthorized_client", "error_description": "Unknown redirect URI"}
    body = refused(api.get("/auth/sso/callback", params=query))
    assert body["details"]["causedBy"] == "idp:unauthorized_client"
    assert body["message"] == "The identity provider refused the sign-in: Unknown redirect URI"
    weird = refused(api.get("/auth/sso/callback", params={"error": "not a code!", "state": "x"}))
    assert weird["details"]["causedBy"] is None  # an unknown state is refused before the error is read


def test_an_answer_from_another_issuer_is_refused(api, forge, forged_idp):
    started = start(api, email="member@acme.test")
    query = {"state": started["state"], "code": "x", "iss": "http://127.0.0.1:9"}
    assert refused(api.get("/auth/sso/callback", params=query))["message"].startswith("The answer came from another")


def test_an_existing_account_outside_the_organization_is_not_joined(api, cast, forge, forged_idp):
    providers.update_provider(forged_idp, None, {"email_domains": ["acme.test", "globex.test"]})
    body = refused(forged_callback(api, forge, login="oscar@globex.test"), "organization_access_denied", 403)
    assert "already has a LakeSail account" in body["message"]
    assert not Member.objects.filter(organization=cast.org, user=cast.outsider.user).exists()


def test_without_auto_provisioning_a_new_person_is_refused(api, cast, forge, forged_idp):
    providers.update_provider(forged_idp, None, {"auto_provision": False})
    refused(forged_callback(api, forge, login="new.person@acme.test"), "organization_access_denied", 403)
    assert not User.objects.filter(email="new.person@acme.test").exists()


def test_external_disabled_and_deactivated_members_are_refused(api, cast, forge, forged_idp):
    Member.objects.filter(pk=cast.member.member.pk).update(account_type=Member.EXTERNAL)
    body = refused(forged_callback(api, forge), "organization_access_denied", 403)
    assert "external member" in body["message"]
    Member.objects.filter(pk=cast.member.member.pk).update(account_type=Member.MANAGED, status=Member.DEACTIVATED)
    refused(forged_callback(api, forge), "account_disabled", 403)
    User.objects.filter(pk=cast.admin.user.pk).update(status=User.DISABLED)
    refused(forged_callback(api, forge, login="admin@acme.test"), "account_disabled", 403)


def test_a_provider_disabled_after_the_start_refuses_the_callback(api, forge, forged_idp):
    started = start(api, email="member@acme.test")
    providers.update_provider(forged_idp, None, {"status": IdentityProvider.DISABLED})
    refused(api.get("/auth/sso/callback", params={"state": started["state"], "code": "x"}))
    assert_error(api.get("/auth/sso/start", params={"redirectUri": CALLBACK, "idpId": forged_idp.id}), 404, "not_found")


# --- starting -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, field",
    [
        ({"email": "member@acme.test", "redirectUri": "http://elsewhere.test/sign-in/sso/callback"}, "redirectUri"),
        ({"email": "member@acme.test", "redirectUri": "http://testserver/other"}, "redirectUri"),
        ({"redirectUri": CALLBACK}, "email"),
        ({"redirectUri": CALLBACK, "email": "member@acme.test", "idpId": "A1B2C3D4E5"}, "email"),
        ({"redirectUri": CALLBACK, "email": "no-at-sign"}, "email"),
    ],
    ids=["other origin", "other path", "neither", "both", "not an email"],
)
def test_start_refuses_bad_input(api, forged_idp, params, field):
    body = assert_error(api.get("/auth/sso/start", params=params), 422, "validation_failed")
    assert set(body["details"]["fieldErrors"]) == {field}
    assert not SsoAttempt.objects.exists()


def test_two_organizations_claiming_a_domain_need_an_organization_id(api, cast, forge, forged_idp):
    other = providers.create_provider(
        cast.other_org, None, type_id="generic-oidc", name="Forge", issuer=forge.issuer,
        client_id="globex", client_secret="s", email_domains=["acme.test"],
    )  # fmt: skip
    body = assert_error(
        api.get("/auth/sso/start", params={"redirectUri": CALLBACK, "email": "x@acme.test"}), 422, "validation_failed"
    )
    assert set(body["details"]["fieldErrors"]) == {"organizationId"}
    started = start(api, email="x@acme.test", organizationId=cast.other_org.id)
    assert query_of(started["authorizationUrl"])["client_id"] == other.client_id == "globex"
