"""Forgot/reset password and change password (contract §3.1.11, §3.1.12, §3.3.16)."""

from django.core import mail

from localplatform.identity.models import Login
from tests.conftest import PASSWORD, bearer
from tests.localplatform.account_support import STRONG, last_mail, link_token
from tests.localplatform.helpers import assert_error, ok


def forgot(api, email: str) -> str:
    response = api.post("/auth/password/forgot", json={"email": email})
    assert response.status_code == 204, response.text
    return link_token(last_mail(email), "reset-password")


def test_reset_by_mail_sets_the_new_password_and_ends_every_login(cast, api, login):
    tokens = login(cast.member)
    token = forgot(api, "member@acme.test")
    assert "http://testserver/reset-password?token=" in last_mail("member@acme.test").body
    assert api.post("/auth/password/reset", json={"token": token, "newPassword": STRONG}).status_code == 204
    assert_error(api.get("/me", headers=bearer(tokens["accessToken"])), 401, "invalid_token")
    old = {"email": "member@acme.test", "password": PASSWORD}
    assert_error(api.post("/auth/login", json=old), 401, "invalid_credentials")
    ok(api.post("/auth/login", json={"email": "member@acme.test", "password": STRONG}))


def test_a_reset_link_works_once_and_expires(cast, api, settings):
    token = forgot(api, "member@acme.test")
    assert api.post("/auth/password/reset", json={"token": token, "newPassword": STRONG}).status_code == 204
    body = assert_error(
        api.post("/auth/password/reset", json={"token": token, "newPassword": STRONG + "x"}), 422, "validation_failed"
    )
    assert body["details"]["fieldErrors"] == {"token": "invalid or expired"}
    token = forgot(api, "admin@acme.test")
    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now older than the timeout
    expired = api.post("/auth/password/reset", json={"token": token, "newPassword": STRONG})
    assert_error(expired, 422, "validation_failed")
    for garbage in ("", "nope", "ABC-def", "-"):
        assert_error(
            api.post("/auth/password/reset", json={"token": garbage, "newPassword": STRONG}), 422, "validation_failed"
        )


def test_reset_applies_the_password_policy(cast, api):
    token = forgot(api, "member@acme.test")
    body = assert_error(
        api.post("/auth/password/reset", json={"token": token, "newPassword": "member@acme.test"}),
        422,
        "validation_failed",
    )
    assert "newPassword" in body["details"]["fieldErrors"]
    ok_again = api.post("/auth/password/reset", json={"token": token, "newPassword": STRONG})
    assert ok_again.status_code == 204  # a refused password does not spend the token


def test_forgot_answers_the_same_for_unknown_emails(cast, api):
    response = api.post("/auth/password/forgot", json={"email": "nobody@acme.test"})
    assert response.status_code == 204 and response.content == b""
    assert mail.outbox == []


def test_forgot_and_failed_resets_are_throttled(cast, api):
    for _ in range(10):
        api.post("/auth/password/forgot", json={"email": "member@acme.test"})
    response = api.post("/auth/password/forgot", json={"email": "member@acme.test"})
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"]
    for _ in range(10):
        api.post("/auth/password/reset", json={"token": "ABC-guess", "newPassword": STRONG})
    response = api.post("/auth/password/reset", json={"token": "ABC-guess", "newPassword": STRONG})
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"]


def test_change_password_needs_the_current_one_and_ends_other_logins(cast, api, login):
    other = login(cast.member)
    current = login(cast.member)
    headers = bearer(current["accessToken"])
    wrong = api.post("/me/password", json={"currentPassword": "not-it", "newPassword": STRONG}, headers=headers)
    assert assert_error(wrong, 422, "validation_failed")["details"]["fieldErrors"] == {"currentPassword": "incorrect"}
    weak = api.post(
        "/me/password", json={"currentPassword": PASSWORD, "newPassword": "member@acme.test"}, headers=headers
    )
    assert "newPassword" in assert_error(weak, 422, "validation_failed")["details"]["fieldErrors"]
    done = api.post("/me/password", json={"currentPassword": PASSWORD, "newPassword": STRONG}, headers=headers)
    assert done.status_code == 204
    ok(api.get("/me", headers=headers))  # the current login stays
    assert_error(api.get("/me", headers=bearer(other["accessToken"])), 401, "invalid_token")
    assert Login.objects.filter(user=cast.member.user, revoked_at__isnull=True).count() == 1
    ok(api.post("/auth/login", json={"email": "member@acme.test", "password": STRONG}))


def test_change_password_needs_a_live_token(cast, api):
    body = {"currentPassword": PASSWORD, "newPassword": STRONG}
    assert_error(api.post("/me/password", json=body), 401, "unauthenticated")
    assert_error(api.post("/me/password", json=body, headers=bearer("garbage")), 401, "invalid_token")
