"""Forgot password, the reset landing page, and changing the password from My account."""

import httpx
import pytest

from tests.client.support import assert_kept, error_response, faults, on, writes_fail
from tests.console.accounts_support import last_mail, link_token
from tests.console.conftest import sign_in, tokens_of

NEW_PASSWORD = "a-brand-new-password"


def recorded(transport) -> list[str]:
    return [f"{request.method} {request.url.path}" for request in transport.requests]


def test_forgot_password_mails_a_link_and_answers_the_same_for_strangers(client, cast, outbox):
    with faults(lambda request: None) as transport:
        known = client.post("/forgot-password", {"email": cast.member.email})
    assert recorded(transport) == ["POST /api/v1/auth/password/forgot"]
    unknown = client.post("/forgot-password", {"email": "nobody@nowhere.test"})
    for response in (known, unknown):
        assert response.status_code == 200 and "a reset link is on its way" in response.content.decode()
    assert link_token(last_mail(cast.member.email), "/reset-password")


def test_forgot_password_rate_limit_says_when(client, db):
    with faults(on("/auth/password/forgot", error_response(429, "rate_limited", retryAfter=90))):
        response = client.post("/forgot-password", {"email": "x@y.test"})
    assert "Try again in 90 seconds." in response.content.decode()
    assert 'value="x@y.test"' in response.content.decode()


def test_reset_password_end_to_end(client, cast, outbox):
    client.post("/forgot-password", {"email": cast.member.email})
    token = link_token(last_mail(cast.member.email), "/reset-password")
    page = client.get(f"/reset-password?token={token}")
    assert page.status_code == 200 and f'value="{token}"' in page.content.decode()
    response = client.post(
        "/reset-password", {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/sign-in"
    assert sign_in(client, cast.member).status_code == 422  # the old password is refused
    response = client.post("/sign-in", {"email": cast.member.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    # the link works once
    again = client.post(
        "/reset-password", {"token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert again.context["token_error"]


def test_reset_with_a_bad_token_offers_a_new_link(client, db):
    response = client.post(
        "/reset-password", {"token": "nope", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.status_code == 422
    assert "invalid or has expired" in response.content.decode() and "/forgot-password" in response.content.decode()
    assert NEW_PASSWORD not in response.content.decode()


def test_reset_without_a_token(client, db):
    response = client.get("/reset-password")
    assert response.context["missing"] and "Ask for a new link" in response.content.decode()


def test_reset_passwords_must_match_before_any_call(client, db):
    with faults(lambda request: pytest.fail("no platform call expected")):
        response = client.post(
            "/reset-password", {"token": "t", "new_password": NEW_PASSWORD, "confirm_password": "other-password-x"}
        )
    assert response.context["form"].errors["confirm_password"] == ["The two passwords differ."]


def test_change_password_wrong_current_is_shown_at_the_field(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post(
        "/account/security/password",
        {"current_password": "wrong-password-here", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert response.context["password_form"].errors["current_password"]
    assert tokens_of(client) is not None  # a 422, not a lost session


def test_change_password_keeps_this_login_and_ends_the_others(signed_in, cast, api, login):
    other = login(cast.member)
    client = signed_in(cast.member)
    response = client.post(
        "/account/security/password",
        {"current_password": cast.member.password, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/account/security"
    assert client.get("/account").status_code == 200
    assert api.get("/me", headers={"Authorization": f"Bearer {other['accessToken']}"}).status_code == 401


def test_change_password_policy_error_from_the_platform(signed_in, cast):
    client = signed_in(cast.member)
    refusal = error_response(422, "validation_failed", fieldErrors={"newPassword": "This password is too common."})
    with faults(on("/me/password", refusal)):
        response = client.post(
            "/account/security/password",
            {"current_password": cast.member.password, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )
    assert response.context["password_form"].errors["new_password"] == ["This password is too common."]


def test_change_password_anonymous(client, db):
    response = client.post("/account/security/password", {})
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")


def test_reset_keeps_the_link_when_the_platform_fails_on_submit(client, db):
    with faults(on("/auth/password/reset", httpx.ConnectError("refused"))):
        response = client.post(
            "/reset-password",
            {"token": "the-mailed-token", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        )
    assert response.status_code == 422 and not response.context["token_error"]
    assert_kept(response, {"token": "the-mailed-token"})
    assert NEW_PASSWORD not in response.content.decode()  # passwords are typed again, by design


def test_change_password_form_when_the_platform_fails_on_submit(signed_in, cast, login):
    client = signed_in(cast.member)
    typed = {"current_password": cast.member.password, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    with faults(writes_fail):
        response = client.post("/account/security/password", typed)
    assert response.status_code == 422
    assert_kept(response, {})
    assert NEW_PASSWORD not in response.content.decode() and cast.member.password not in response.content.decode()
    login(cast.member)  # the password did not change


def test_change_password_refused_over_htmx_is_the_form_alone(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post(
        "/account/security/password",
        {"current_password": "wrong-password-here", "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        headers={"HX-Request": "true", "HX-Target": "password-form", "HX-Trigger": "password-form"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="password-form"') and "<html" not in html
    assert 'id="id_current_password_error"' in html
    assert [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history] == ["POST /me/password"]
