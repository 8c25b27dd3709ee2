"""The client's DPoP: one key per browser session, every login bound, a proof per call that the platform accepts."""

import hashlib
import json
import time
from base64 import urlsafe_b64encode
from dataclasses import replace

import pytest
from django.test import override_settings
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from console.client import auth, members, transport
from console.client.base import Platform
from console.client.dpop import DpopKey
from console.client.errors import Unauthorized
from console.client.tokens import TokenBundle
from console.client.users import describe_me
from console.sessions import DPOP_KEY, Identity, SessionStore, start_platform_session, write_tokens
from localplatform.identity.models import Login
from tests.client.support import faults, platform_of, signed_in_session, stored_tokens

REFRESH = "POST /auth/token/refresh 200"


def require_dpop(organization) -> None:
    organization.require_dpop = True
    organization.save(update_fields=["require_dpop"])


def claims_of(proof: str) -> tuple[dict, dict]:
    """The header and claims of a proof (read, not verified: the platform verifies)."""
    signature = jws.extract_compact(proof.encode())
    return signature.headers(), json.loads(signature.payload)


def bearer_session(person) -> SessionStore:
    """A saved session holding a Bearer login and no key, as sessions from before the console bound them."""
    tokens = TokenBundle.issued(auth.login(Platform.anonymous(), email=person.email, password=person.password))
    assert tokens.token_type == "Bearer"
    session = SessionStore()
    start_platform_session(session, tokens, Identity.from_me(describe_me(Platform(session, tokens))))
    session.save()
    assert DPOP_KEY not in SessionStore(session.session_key).load()
    return session


def test_a_signed_in_session_is_bound_to_its_key(cast):
    session = signed_in_session(cast.member)
    stored = SessionStore(session.session_key).load()
    key = DpopKey.from_dict(stored[DPOP_KEY])
    assert stored_tokens(session.session_key).token_type == "DPoP"
    assert Login.objects.get(user=cast.member.user).dpop_jkt == key.thumbprint


def test_every_call_carries_a_fresh_proof_for_the_url_the_platform_sees(cast):
    platform = platform_of(signed_in_session(cast.member).session_key)
    with faults(lambda request: None) as injected:
        describe_me(platform)
        members.list_members(platform, search="mia")
    proofs = [claims_of(request.headers["DPoP"]) for request in injected.requests]
    (header, first), (_, second) = proofs
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256" and "d" not in header["jwk"]
    assert first["htm"] == "GET" and first["htu"] == "https://testserver/api/v1/me"  # the embedded host
    assert second["htu"] == "https://testserver/api/v1/org/members"  # no query
    assert first["jti"] != second["jti"] and abs(first["iat"] - time.time()) < 5
    assert first["ath"] and all(request.headers["Authorization"].startswith("DPoP ") for request in injected.requests)


def test_a_proof_is_an_es256_jws_that_verifies_with_the_key_in_its_header():
    key = DpopKey.generate()
    proof = key.proof("get", "https://platform.test/api/v1/me", "the-access-token")
    header, _ = claims_of(proof)
    verified = jwt.decode(proof, JWKRegistry.import_key(header["jwk"]), algorithms=["ES256"])
    digest = urlsafe_b64encode(hashlib.sha256(b"the-access-token").digest()).rstrip(b"=").decode()
    assert verified.header == {"typ": "dpop+jwt", "alg": "ES256", "jwk": header["jwk"]}
    assert verified.claims["htm"] == "GET" and verified.claims["ath"] == digest
    assert JWKRegistry.import_key(header["jwk"]).thumbprint() == key.thumbprint
    tampered = proof[:-4] + ("AAAA" if not proof.endswith("AAAA") else "BBBB")
    with pytest.raises(JoseError):
        jwt.decode(tampered, JWKRegistry.import_key(header["jwk"]), algorithms=["ES256"])


def test_token_requests_carry_a_proof_without_ath(cast):
    session = SessionStore()
    with faults(lambda request: None) as injected:
        auth.login(Platform.anonymous(session), email=cast.member.email, password=cast.member.password)
        auth.forgot_password(Platform.anonymous(session), email=cast.member.email)
    login, forgot = injected.requests
    _, claims = claims_of(login.headers["DPoP"])
    assert claims["htu"] == "https://testserver/api/v1/auth/login" and "ath" not in claims
    assert "DPoP" not in forgot.headers  # only token requests and bound calls are signed


def test_htu_is_the_browser_origin_in_process_and_the_api_url_over_http():
    with transport.browser_origin("http", "localhost:8000"):
        assert transport.platform_url("/me/logins") == "http://localhost:8000/api/v1/me/logins"
    assert transport.platform_url("/me") == "https://testserver/api/v1/me"
    with override_settings(LAKESAIL_API_URL="http://127.0.0.1:8001/api/v1"):
        assert transport.platform_url("/auth/sso/callback?state=s") == "http://127.0.0.1:8001/api/v1/auth/sso/callback"


def test_calls_made_during_a_console_request_sign_the_browser_origin(cast):
    session = signed_in_session(cast.member)
    with transport.browser_origin("http", "localhost:8000"):
        platform = platform_of(session.session_key)
        assert describe_me(platform).user.email == cast.member.email  # the platform checked htu against it
    assert platform.history == ["GET /me 200"]


def test_with_require_dpop_the_session_keeps_working_across_a_refresh(cast):
    """Must show 3: requireDpop on, the access token expiring: refreshed with the key, then served."""
    session = signed_in_session(cast.member)
    require_dpop(cast.org)
    write_tokens(session, replace(stored_tokens(session.session_key), expires_at=time.time() + 30))
    session.save()
    platform = platform_of(session.session_key)
    assert describe_me(platform).user.email == cast.member.email
    assert members.list_members(platform).total == 3
    assert platform.history == [REFRESH, "GET /me 200", "GET /org/members 200"]
    assert stored_tokens(session.session_key).token_type == "DPoP"


def test_a_bearer_session_keeps_working_as_bearer(cast):
    platform = platform_of(bearer_session(cast.member).session_key)
    with faults(lambda request: None) as injected:
        describe_me(platform)
    assert injected.requests[0].headers["Authorization"].startswith("Bearer ")
    assert "DPoP" not in injected.requests[0].headers
    assert platform.history == ["GET /me 200"]


def test_a_bearer_session_meeting_require_dpop_is_bound_by_a_refresh_not_signed_out(cast):
    session = bearer_session(cast.member)
    require_dpop(cast.org)
    platform = platform_of(session.session_key)
    assert members.list_members(platform).total == 3
    assert platform.history == ["GET /org/members 401", REFRESH, "GET /org/members 200"]
    assert stored_tokens(session.session_key).token_type == "DPoP"
    key = DpopKey.from_dict(SessionStore(session.session_key).load()[DPOP_KEY])
    assert Login.objects.get(user=cast.member.user).dpop_jkt == key.thumbprint
    assert describe_me(platform_of(session.session_key)).user.email == cast.member.email


def test_the_key_stays_the_sessions_and_a_stale_save_keeps_it(cast):
    session = signed_in_session(cast.member)
    stored_key = SessionStore(session.session_key).load()[DPOP_KEY]
    stale = SessionStore(session.session_key)
    stale.load()
    stale[DPOP_KEY] = DpopKey.generate().as_dict()  # a slower request that made its own key
    stale.save()
    assert SessionStore(session.session_key).load()[DPOP_KEY] == stored_key
    describe_me(platform_of(session.session_key))


def test_a_session_whose_key_was_lost_is_refused_not_served_by_another_key(cast):
    session = signed_in_session(cast.member)
    store = SessionStore(session.session_key)
    data = store.load()
    del data[DPOP_KEY]  # written under save(), which would keep the stored key
    store.model.objects.filter(session_key=session.session_key).update(session_data=store.encode(data))
    with pytest.raises(Unauthorized) as refused:  # the middleware then asks the user to sign in again
        describe_me(platform_of(session.session_key))
    assert refused.value.code == "invalid_dpop_proof"


def test_the_key_never_shows_in_a_repr_or_a_log(cast, caplog):
    session = signed_in_session(cast.member)
    key = DpopKey.from_dict(SessionStore(session.session_key).load()[DPOP_KEY])
    platform = platform_of(session.session_key)
    with caplog.at_level("DEBUG"):
        describe_me(platform)
    private = key.as_dict()["d"]
    assert private not in repr(key) and private not in repr(platform) and private not in caplog.text
