"""Tokens never show up in exception text, reprs or log records."""

import logging

import httpx
import pytest

from console.client import auth
from console.client.base import Platform
from console.client.errors import PlatformError
from console.client.models.auth import TokenResponse
from console.client.users import describe_me
from tests.client.support import error_response, faults, on, platform_of, signed_in_session, stored_tokens


def secrets_of(bundle) -> list[str]:
    return [bundle.access_token, bundle.refresh_token]


def test_reprs_hide_tokens(cast):
    session = signed_in_session(cast.member)
    bundle = stored_tokens(session.session_key)
    platform = platform_of(session.session_key)
    response = TokenResponse(access_token=bundle.access_token, refresh_token=bundle.refresh_token, expires_in=900)
    for text in (repr(bundle), str(bundle), repr(platform), repr(response), str(response)):
        for secret in secrets_of(bundle):
            assert secret not in text


def test_log_records_and_errors_never_carry_tokens(cast, caplog):
    caplog.set_level(logging.DEBUG)
    session = signed_in_session(cast.member)
    bundle = stored_tokens(session.session_key)
    platform = platform_of(session.session_key)
    errors: list[PlatformError] = []
    describe_me(platform)
    platform.refresh()
    for fault in (httpx.ReadTimeout("slow"), error_response(500, "internal"), httpx.Response(200, content=b"{")):
        with faults(on("/me", fault)), pytest.raises(PlatformError) as caught:
            describe_me(platform)
        errors.append(caught.value)
    auth.logout(platform)
    with pytest.raises(PlatformError) as caught:
        describe_me(platform)
    errors.append(caught.value)
    with pytest.raises(PlatformError) as caught:
        auth.login(Platform.anonymous(), email=cast.member.email, password="a wrong password")
    errors.append(caught.value)

    secrets = [*secrets_of(bundle), *secrets_of(platform.tokens), "a wrong password", cast.member.password]
    texts = [record.getMessage() for record in caplog.records] + [f"{e} {e!r} {e.message}" for e in errors]
    assert any("platform GET /me -> 200" in text for text in texts)
    for text in texts:
        for secret in secrets:
            assert secret not in text
