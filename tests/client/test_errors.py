"""Every HTTP outcome maps onto the exception tree: from the real platform where it can produce it."""

import time

import pytest

from console.client import auth, roles
from console.client.base import Platform
from console.client.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PlatformError,
    RateLimited,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)
from console.client.organization import describe_settings
from console.client.tokens import TokenBundle
from console.client.users import describe_me
from tests.client.support import error_response, faults, on


def test_400_malformed_path_id(platform_for, cast):
    with pytest.raises(BadRequest) as caught:
        roles.describe_role(platform_for(cast.member), "not-an-id")
    assert caught.value.status == 400
    assert caught.value.code == "invalid_request"
    assert caught.value.request_id.startswith("req_")


def test_401_unknown_token():
    bogus = TokenBundle(access_token="not-a-token", refresh_token="nope", expires_at=time.time() + 900)
    with pytest.raises(Unauthorized) as caught:
        describe_me(Platform(None, bogus))
    assert caught.value.code == "invalid_token"


def test_401_invalid_credentials(cast):
    with pytest.raises(Unauthorized) as caught:
        auth.login(Platform.anonymous(), email=cast.member.email, password="wrong password!")
    assert caught.value.code == "invalid_credentials"


def test_403_organization_of_someone_else(platform_for, cast):
    platform = platform_for(cast.outsider)
    platform.organization_id = cast.org.id
    with pytest.raises(Forbidden) as caught:
        describe_settings(platform)
    assert caught.value.code == "organization_access_denied"


def test_404_unknown_role(platform_for, cast):
    with pytest.raises(NotFound) as caught:
        roles.describe_role(platform_for(cast.member), "ZZZZZZZZZZ")
    assert caught.value.status == 404


def test_422_field_errors(cast):
    body = {"email": cast.member.email, "password": "whatever", "colour": "blue"}
    with pytest.raises(ValidationFailed) as caught:
        Platform.anonymous().call("POST", "/auth/login", body=body, auth=False, scoped=False)
    assert caught.value.field_errors == {"colour": "unknown field"}


def test_429_after_ten_failed_logins(cast):
    anonymous = Platform.anonymous()
    for _ in range(10):
        with pytest.raises(Unauthorized):
            auth.login(anonymous, email=cast.member.email, password="wrong password!")
    with pytest.raises(RateLimited) as caught:
        auth.login(anonymous, email=cast.member.email, password=cast.member.password)
    assert 0 < caught.value.retry_after <= 60


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (409, "already_exists", Conflict),
        (429, "rate_limited", RateLimited),
        (500, "internal", Unavailable),
        (503, "unavailable", Unavailable),
        (418, "teapot", PlatformError),
    ],
)
def test_statuses_the_platform_cannot_produce_on_demand(platform_for, cast, status, code, expected):
    platform = platform_for(cast.member)
    response = error_response(status, code, "Refused for the test.", retryAfter=7, requestId="req_x")
    with faults(on("/org/settings", response)), pytest.raises(expected) as caught:
        describe_settings(platform)
    error = caught.value
    assert type(error) is expected
    assert (error.status, error.code, error.message, error.request_id) == (
        status,
        code,
        "Refused for the test.",
        "req_x",
    )
    assert error.retry_after == 7


def test_retry_after_header_is_used_when_details_lack_it(platform_for, cast):
    platform = platform_for(cast.member)
    response = error_response(503, "unavailable")
    response.headers["Retry-After"] = "12"
    with faults(on("/org/settings", response)), pytest.raises(Unavailable) as caught:
        describe_settings(platform)
    assert caught.value.retry_after == 12


def test_error_text_is_plain():
    error = ValidationFailed("Some fields are invalid.", code="validation_failed", request_id="req_1")
    assert str(error) == "422 validation_failed: Some fields are invalid."
    assert repr(error) == "ValidationFailed(status=422, code='validation_failed', request_id='req_1')"
