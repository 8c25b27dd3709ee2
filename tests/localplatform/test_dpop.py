"""DPoP (§1.4): proofs checked, tokens bound to the key on every token request, requireDpop enforced."""

import json
import time
from base64 import urlsafe_b64encode
from datetime import timedelta

import pytest
from django.utils import timezone
from joserfc.jwk import ECKey, RSAKey

from localplatform.identity.models import DpopProof, Login
from localplatform.identity.services import directory
from tests.conftest import bearer
from tests.localplatform.account_support import enroll, last_mail, login_code, totp_code
from tests.localplatform.dpop_support import BASE, CHALLENGE, Key
from tests.localplatform.helpers import assert_error, ok


def dpop_error(response, code: str) -> dict:
    """A DPoP refusal: 401, the code, and the WWW-Authenticate challenge of §1.4."""
    body = assert_error(response, 401, code)
    assert response.headers["WWW-Authenticate"] == CHALLENGE
    return body


@pytest.fixture
def key():
    return Key()


@pytest.fixture
def bound_login(api, cast, key):
    """bound_login(person) -> a TokenResponse bound to `key`."""

    def _login(person):
        body = {"email": person.email, "password": person.password}
        return ok(api.post("/auth/login", json=body, headers={"DPoP": key.proof("POST", "/auth/login")}))

    return _login


def requiring_dpop(organization):
    organization.require_dpop = True
    organization.save(update_fields=["require_dpop"])


@pytest.fixture
def require_dpop(cast):
    requiring_dpop(cast.org)


def me(api, key, token, **claims):
    return api.get("/me", headers=key.auth("GET", "/me", token, **claims))


class TestBinding:
    def test_login_with_a_proof_binds_both_tokens_to_the_key(self, api, cast, key, bound_login):
        tokens = bound_login(cast.member)
        assert tokens["tokenType"] == "DPoP"
        login = Login.objects.get(user=cast.member.user)
        assert (login.dpop_jkt, login.token_type) == (key.jkt, "DPoP")
        assert ok(me(api, key, tokens["accessToken"]))["user"]["email"] == cast.member.email
        logins = ok(api.get("/me/logins", headers=key.auth("GET", "/me/logins", tokens["accessToken"])))
        assert [entry["tokenType"] for entry in logins["items"]] == ["DPoP"]

    def test_without_a_proof_the_login_is_bearer(self, api, cast, login):
        tokens = login(cast.member)
        assert tokens["tokenType"] == "Bearer"
        ok(api.get("/me", headers=bearer(tokens["accessToken"])))

    def test_a_bound_token_sent_as_bearer_is_invalid(self, api, cast, bound_login):
        tokens = bound_login(cast.member)
        dpop_error(api.get("/me", headers=bearer(tokens["accessToken"])), "invalid_token")

    def test_an_unbound_token_sent_as_dpop_is_invalid(self, api, cast, login, key):
        token = login(cast.member)["accessToken"]
        assert_error(me(api, key, token), 401, "invalid_token")

    def test_rs256_keys_bind_too(self, api, cast):
        key = Key(RSAKey.generate_key(2048), alg="RS256")
        body = {"email": cast.member.email, "password": cast.member.password}
        tokens = ok(api.post("/auth/login", json=body, headers={"DPoP": key.proof("POST", "/auth/login")}))
        assert tokens["tokenType"] == "DPoP"
        ok(me(api, key, tokens["accessToken"]))

    def test_the_code_login_binds(self, api, cast, key):
        ok(api.post("/auth/login/code", json={"email": cast.member.email}), 204)
        body = {"email": cast.member.email, "code": login_code(last_mail(cast.member.email))}
        proof = key.proof("POST", "/auth/login/code/verify")
        tokens = ok(api.post("/auth/login/code/verify", json=body, headers={"DPoP": proof}))
        assert tokens["tokenType"] == "DPoP"

    def test_the_mfa_step_binds_to_its_own_proof(self, api, cast, key, login):
        secret, _ = enroll(api, login(cast.member)["accessToken"])
        body = {"email": cast.member.email, "password": cast.member.password}
        challenge = ok(api.post("/auth/login", json=body))
        step = {"mfaToken": challenge["mfaToken"], "code": totp_code(secret, step=1)}
        tokens = ok(api.post("/auth/login/mfa", json=step, headers={"DPoP": key.proof("POST", "/auth/login/mfa")}))
        assert tokens["tokenType"] == "DPoP"
        ok(me(api, key, tokens["accessToken"]))


class TestProofs:
    """Must show 3: a replayed proof, a wrong htu, a wrong key and a stale iat are each invalid_dpop_proof."""

    def test_a_replayed_proof_is_refused(self, api, cast, key, bound_login):
        token = bound_login(cast.member)["accessToken"]
        headers = key.auth("GET", "/me", token)
        ok(api.get("/me", headers=headers))
        body = dpop_error(api.get("/me", headers=headers), "invalid_dpop_proof")
        assert "already used" in body["message"]

    def test_a_replayed_token_request_proof_is_refused(self, api, cast, key):
        body = {"email": cast.member.email, "password": cast.member.password}
        proof = key.proof("POST", "/auth/login")
        ok(api.post("/auth/login", json=body, headers={"DPoP": proof}))
        dpop_error(api.post("/auth/login", json=body, headers={"DPoP": proof}), "invalid_dpop_proof")

    def test_the_replay_store_is_the_database_for_5_minutes(self, api, cast, key, bound_login):
        token = bound_login(cast.member)["accessToken"]
        headers = key.auth("GET", "/me", token)
        ok(api.get("/me", headers=headers))
        row = DpopProof.objects.order_by("-expires_at").first()
        assert timedelta(minutes=4) < row.expires_at - timezone.now() <= timedelta(minutes=5)
        dpop_error(api.get("/me", headers=headers), "invalid_dpop_proof")

    def test_a_jti_may_come_again_once_its_5_minutes_are_over(self, api, cast, key, bound_login):
        token = bound_login(cast.member)["accessToken"]
        ok(me(api, key, token, jti="the-same-jti"))
        DpopProof.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        ok(me(api, key, token, jti="the-same-jti"))

    @pytest.mark.parametrize(
        "htu",
        [
            "http://testserver/api/v1/me/logins",  # another route
            "https://testserver/api/v1/me",  # another scheme
            "http://elsewhere.test/api/v1/me",  # another host
            "http://testserver:8080/api/v1/me",  # another port
        ],
    )
    def test_a_wrong_htu_is_refused(self, api, cast, key, bound_login, htu):
        token = bound_login(cast.member)["accessToken"]
        dpop_error(me(api, key, token, htu=htu), "invalid_dpop_proof")

    def test_htu_ignores_query_fragment_and_the_default_port(self, api, cast, key, bound_login):
        token = bound_login(cast.member)["accessToken"]
        ok(me(api, key, token, htu="HTTP://TESTSERVER:80/api/v1/me?page=2#top"))

    def test_the_public_base_url_names_the_origin_behind_a_proxy(self, api, cast, key, bound_login, settings):
        settings.LAKESAIL_PUBLIC_BASE_URL = "https://console.example.test"
        token = bound_login(cast.member)["accessToken"]
        ok(me(api, key, token, htu="https://console.example.test/api/v1/me"))
        ok(me(api, key, token))  # the request's own URL stays valid (a client reaching the platform directly)

    def test_a_proof_signed_with_another_key_is_refused(self, api, cast, bound_login):
        token = bound_login(cast.member)["accessToken"]
        body = dpop_error(me(api, Key(), token), "invalid_dpop_proof")
        assert "another key" in body["message"]

    @pytest.mark.parametrize("age", [61, 600, -61])
    def test_a_stale_or_future_iat_is_refused(self, api, cast, key, bound_login, age):
        token = bound_login(cast.member)["accessToken"]
        dpop_error(me(api, key, token, iat=int(time.time()) - age), "invalid_dpop_proof")

    def test_iat_within_60_seconds_is_accepted(self, api, cast, key, bound_login):
        token = bound_login(cast.member)["accessToken"]
        ok(me(api, key, token, iat=int(time.time()) - 50))

    @pytest.mark.parametrize(
        "claims",
        [
            {"htm": "POST"},
            {"ath": "c29tZXRoaW5nIGVsc2U"},
            {"jti": ""},
            {"iat": "now"},
        ],
    )
    def test_wrong_claims_are_refused(self, api, cast, key, bound_login, claims):
        token = bound_login(cast.member)["accessToken"]
        dpop_error(me(api, key, token, **claims), "invalid_dpop_proof")

    def test_a_resource_request_needs_ath(self, api, cast, key, bound_login):
        token = bound_login(cast.member)["accessToken"]
        headers = {"Authorization": f"DPoP {token}", "DPoP": key.proof("GET", "/me")}
        dpop_error(api.get("/me", headers=headers), "invalid_dpop_proof")

    def test_a_token_request_proof_has_no_ath(self, api, cast, key):
        body = {"email": cast.member.email, "password": cast.member.password}
        proof = key.proof("POST", "/auth/login", access_token="anything")
        dpop_error(api.post("/auth/login", json=body, headers={"DPoP": proof}), "invalid_dpop_proof")
        assert not Login.objects.filter(user=cast.member.user).exists()

    @pytest.mark.parametrize(
        "header",
        [
            {"typ": "JWT"},
            {"typ": None},
            {"jwk": None},
            {"jwk": ECKey.generate_key("P-256").as_dict(private=True)},
        ],
    )
    def test_wrong_headers_are_refused(self, api, cast, key, bound_login, header):
        token = bound_login(cast.member)["accessToken"]
        headers = {"Authorization": f"DPoP {token}", "DPoP": key.proof("GET", "/me", token, header=header)}
        dpop_error(api.get("/me", headers=headers), "invalid_dpop_proof")

    @pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")
    def test_other_algorithms_and_small_keys_are_refused(self, api, cast):
        body = {"email": cast.member.email, "password": cast.member.password}
        for key in (Key(ECKey.generate_key("P-384"), alg="ES384"), Key(RSAKey.generate_key(1024), alg="RS256")):
            proof = key.proof("POST", "/auth/login")
            dpop_error(api.post("/auth/login", json=body, headers={"DPoP": proof}), "invalid_dpop_proof")

    def test_an_unsigned_proof_is_refused(self, api, cast, key):
        def part(data):
            return urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

        header = {"typ": "dpop+jwt", "alg": "none", "jwk": key.key.as_dict(private=False)}
        claims = {"jti": "x", "htm": "POST", "htu": BASE + "/auth/login", "iat": int(time.time())}
        body = {"email": cast.member.email, "password": cast.member.password}
        proof = f"{part(header)}.{part(claims)}."
        dpop_error(api.post("/auth/login", json=body, headers={"DPoP": proof}), "invalid_dpop_proof")

    def test_missing_garbage_and_repeated_proofs_are_refused(self, api, cast, key, bound_login):
        token = bound_login(cast.member)["accessToken"]
        dpop_error(api.get("/me", headers={"Authorization": f"DPoP {token}"}), "invalid_dpop_proof")
        dpop_error(api.get("/me", headers={"Authorization": f"DPoP {token}", "DPoP": "garbage"}), "invalid_dpop_proof")
        two = f"{key.proof('GET', '/me', token)}, {key.proof('GET', '/me', token)}"
        dpop_error(api.get("/me", headers={"Authorization": f"DPoP {token}", "DPoP": two}), "invalid_dpop_proof")

    def test_public_routes_ignore_a_proof(self, api, cast):
        ok(api.post("/auth/password/forgot", json={"email": cast.member.email}, headers={"DPoP": "garbage"}), 204)


class TestRefresh:
    def refresh(self, api, tokens, key=None, **extra):
        headers = {"DPoP": key.proof("POST", "/auth/token/refresh")} if key else {}
        return api.post("/auth/token/refresh", json={"refreshToken": tokens["refreshToken"], **extra}, headers=headers)

    def test_a_bound_login_refreshes_with_its_key_and_stays_bound(self, api, cast, key, bound_login):
        renewed = ok(self.refresh(api, bound_login(cast.member), key))
        assert renewed["tokenType"] == "DPoP"
        ok(me(api, key, renewed["accessToken"]))
        dpop_error(api.get("/me", headers=bearer(renewed["accessToken"])), "invalid_token")

    def test_a_bound_refresh_without_a_proof_or_with_another_key_is_refused_and_unspent(
        self, api, cast, key, bound_login
    ):
        tokens = bound_login(cast.member)
        dpop_error(self.refresh(api, tokens), "invalid_dpop_proof")
        dpop_error(self.refresh(api, tokens, Key()), "invalid_dpop_proof")
        ok(self.refresh(api, tokens, key))  # the refresh token was not spent by the refusals

    def test_an_unbound_login_refreshed_with_a_proof_becomes_bound(self, api, cast, key, login):
        tokens = login(cast.member)
        renewed = ok(self.refresh(api, tokens, key))
        assert renewed["tokenType"] == "DPoP"
        assert Login.objects.get(user=cast.member.user).dpop_jkt == key.jkt
        ok(me(api, key, renewed["accessToken"]))
        ok(api.get("/me", headers=bearer(tokens["accessToken"])))  # the earlier Bearer token is as it was
        dpop_error(self.refresh(api, renewed), "invalid_dpop_proof")  # from now on the key is needed

    def test_an_unbound_refresh_into_an_organization_requiring_dpop(self, api, cast, key, login, require_dpop):
        tokens = login(cast.outsider)  # Globex does not require DPoP
        directory.add_member(cast.org, cast.outsider.user)
        dpop_error(self.refresh(api, tokens, organizationId=cast.org.id), "dpop_required")
        switched = ok(self.refresh(api, tokens, key, organizationId=cast.org.id))
        assert (switched["organizationId"], switched["tokenType"]) == (cast.org.id, "DPoP")


class TestRequireDpop:
    """Must show 3: with requireDpop a raw Bearer call gets 401 dpop_required; the console's bound login works."""

    def test_a_bearer_call_gets_dpop_required(self, api, cast, login, require_dpop):
        token = login(cast.outsider)["accessToken"]  # Globex: Bearer is fine there
        directory.add_member(cast.org, cast.outsider.user)
        ok(api.get("/org/members", headers=bearer(token)))
        headers = {**bearer(token), "LakeSail-Organization-Id": cast.org.id}
        dpop_error(api.get("/org/members", headers=headers), "dpop_required")

    def test_applies_from_the_next_request_even_to_the_callers_own_token(self, api, cast, login):
        token = login(cast.owner)["accessToken"]
        ok(api.patch("/org/settings", json={"requireDpop": True}, headers=bearer(token)))
        for path in ("/me", "/org/members", "/me/emails", "/auth/permissions"):
            dpop_error(api.get(path, headers=bearer(token)), "dpop_required")
        dpop_error(api.post("/auth/logout", headers=bearer(token)), "dpop_required")

    def test_bound_tokens_keep_working(self, api, cast, key, bound_login, require_dpop):
        token = bound_login(cast.member)["accessToken"]
        response = api.get("/org/members", headers=key.auth("GET", "/org/members", token))
        assert ok(response)["total"] == 3

    def test_token_requests_without_a_proof_get_dpop_required(self, api, cast, require_dpop):
        body = {"email": cast.member.email, "password": cast.member.password}
        dpop_error(api.post("/auth/login", json=body), "dpop_required")
        assert not Login.objects.filter(user=cast.member.user).exists()
        ok(api.post("/auth/login/code", json={"email": cast.member.email}), 204)
        code = login_code(last_mail(cast.member.email))
        dpop_error(
            api.post("/auth/login/code/verify", json={"email": cast.member.email, "code": code}), "dpop_required"
        )

    def test_an_mfa_login_is_refused_at_its_first_step_and_its_challenge_survives_a_bare_second(
        self, api, cast, key, login
    ):
        secret, _ = enroll(api, login(cast.member)["accessToken"])
        requiring_dpop(cast.org)
        body = {"email": cast.member.email, "password": cast.member.password}
        dpop_error(api.post("/auth/login", json=body), "dpop_required")
        challenge = ok(api.post("/auth/login", json=body, headers={"DPoP": key.proof("POST", "/auth/login")}))
        step = {"mfaToken": challenge["mfaToken"], "code": totp_code(secret, step=1)}
        dpop_error(api.post("/auth/login/mfa", json=step), "dpop_required")
        tokens = ok(api.post("/auth/login/mfa", json=step, headers={"DPoP": key.proof("POST", "/auth/login/mfa")}))
        assert tokens["tokenType"] == "DPoP"

    def test_other_organizations_are_not_affected(self, api, cast, login, require_dpop):
        ok(api.get("/org/members", headers=bearer(login(cast.outsider)["accessToken"])))
