"""Tokens are refreshed before they expire, after a 401 token_expired, and once per browser session."""

import time
from dataclasses import replace

import pytest

from console.client import auth, roles
from console.client.base import Platform
from console.client.errors import Unauthorized, Unavailable
from console.client.tokens import TOKENS_KEY
from console.client.users import describe_me
from console.sessions import SessionStore, write_tokens
from localplatform.identity.services import tokens as platform_tokens
from tests.client.support import platform_of, session_auth, signed_in_session, stored_tokens

REFRESH = "POST /auth/token/refresh 200"


def expiring_session(person, seconds_left: float = 30):
    """A saved session whose access token the console believes expires in `seconds_left`."""
    session = signed_in_session(person)
    write_tokens(session, replace(stored_tokens(session.session_key), expires_at=time.time() + seconds_left))
    session.save()
    return session


@pytest.fixture
def expired_on_the_platform(monkeypatch):
    """signed in with an access token the platform already considers expired, while the console does not."""

    def _session(person):
        session = signed_in_session(person)
        bundle = stored_tokens(session.session_key)
        with monkeypatch.context() as patch:
            patch.setattr(platform_tokens, "ACCESS_TOKEN_SECONDS", -30)
            renewed = auth.refresh_tokens(Platform.anonymous(session), refresh_token=bundle.refresh_token)
        write_tokens(session, replace(bundle.successor(renewed), expires_at=time.time() + 900))
        session.save()
        return session

    return _session


def test_refresh_before_expiry(cast):
    session = expiring_session(cast.member)
    platform = platform_of(session.session_key)
    old = platform.tokens
    describe_me(platform)
    assert platform.history == [REFRESH, "GET /me 200"]
    assert platform.tokens.generation == old.generation + 1
    assert platform.tokens.access_token != old.access_token
    assert platform.tokens.refresh_token != old.refresh_token
    assert not platform.tokens.expiring()
    assert stored_tokens(session.session_key) == platform.tokens


def test_no_refresh_while_the_token_is_fresh(cast):
    platform = platform_of(signed_in_session(cast.member).session_key)
    describe_me(platform)
    assert platform.history == ["GET /me 200"]
    assert platform.tokens.generation == 1


def test_token_expired_refreshes_and_retries_a_read_once(cast, expired_on_the_platform):
    session = expired_on_the_platform(cast.member)
    platform = platform_of(session.session_key)
    me = describe_me(platform)
    assert me.user.email == cast.member.email
    assert platform.history == ["GET /me 401", REFRESH, "GET /me 200"]
    assert stored_tokens(session.session_key).generation == 3


def test_token_expired_on_a_write_refreshes_but_does_not_resend(cast, expired_on_the_platform):
    session = expired_on_the_platform(cast.member)
    platform = platform_of(session.session_key)
    with pytest.raises(Unavailable) as caught:
        auth.logout(platform)
    assert caught.value.code == "token_expired"
    assert platform.history == ["POST /auth/logout 401", REFRESH]
    assert describe_me(platform_of(session.session_key)).user.email == cast.member.email  # the login is intact


def test_a_write_refreshes_first_when_the_token_is_expiring(cast, api):
    session = expiring_session(cast.member)
    platform = platform_of(session.session_key)
    auth.logout(platform)
    assert platform.history == [REFRESH, "POST /auth/logout 204"]
    me = api.get("/me", headers=session_auth(SessionStore(session.session_key), "GET", "/me"))
    assert me.status_code == 401 and me.json()["code"] == "invalid_token"


def test_two_requests_of_one_session_refresh_once(cast):
    """Both requests see an expiring token; the second adopts the first one's refresh instead of reusing."""
    session = expiring_session(cast.member)
    first, second = platform_of(session.session_key), platform_of(session.session_key)
    assert first.tokens == second.tokens
    describe_me(first)
    describe_me(second)
    assert first.history == [REFRESH, "GET /me 200"]
    assert second.history == ["GET /me 200"]
    assert second.tokens == first.tokens == stored_tokens(session.session_key)
    assert stored_tokens(session.session_key).generation == 2
    roles.list_roles(first)  # the login survived: no refresh token was used twice
    assert first.history[-1] == "GET /org/roles 200"


def test_token_expired_after_another_request_refreshed_adopts_its_tokens(cast, expired_on_the_platform):
    session = expired_on_the_platform(cast.member)
    first, second = platform_of(session.session_key), platform_of(session.session_key)
    describe_me(first)
    describe_me(second)
    assert second.history == ["GET /me 401", "GET /me 200"]
    assert second.tokens == first.tokens


def test_a_stale_session_save_never_overwrites_newer_tokens(cast):
    session = expiring_session(cast.member)
    stale = SessionStore(session.session_key)
    stale.load()
    stale_tokens = stale[TOKENS_KEY]
    fresh = platform_of(session.session_key)
    describe_me(fresh)  # refreshes: generation 2 is stored
    stale["theme_note"] = "changed by a slower request"
    stale.save()
    assert stale[TOKENS_KEY] != stale_tokens
    stored = SessionStore(session.session_key).load()
    assert stored["theme_note"] == "changed by a slower request"
    assert stored[TOKENS_KEY]["generation"] == 2
    assert stored[TOKENS_KEY] == fresh.tokens.as_dict()


def test_a_revoked_login_cannot_be_refreshed(cast, api):
    session = expiring_session(cast.member)
    api.post("/auth/logout", headers=session_auth(SessionStore(session.session_key), "POST", "/auth/logout"))
    platform = platform_of(session.session_key)
    with pytest.raises(Unauthorized) as caught:
        describe_me(platform)
    assert caught.value.code == "invalid_token"
    assert stored_tokens(session.session_key).generation == 1


def test_a_session_signed_out_elsewhere_is_not_refreshed(cast):
    session = expiring_session(cast.member)
    platform = platform_of(session.session_key)
    SessionStore(session.session_key).delete()
    with pytest.raises(Unauthorized):
        describe_me(platform)
    assert platform.history == []


def test_refresh_rotates_and_reuse_revokes_the_login(cast):
    session = signed_in_session(cast.member)
    bundle = stored_tokens(session.session_key)
    anonymous = Platform.anonymous(session)  # the session's key: its login is bound to it
    renewed = auth.refresh_tokens(anonymous, refresh_token=bundle.refresh_token)
    assert renewed.refresh_token != bundle.refresh_token
    with pytest.raises(Unauthorized) as caught:
        auth.refresh_tokens(anonymous, refresh_token=bundle.refresh_token)
    assert caught.value.code == "invalid_token"
    with pytest.raises(Unauthorized):
        auth.refresh_tokens(anonymous, refresh_token=renewed.refresh_token)
