"""One-time login codes: POST /auth/login/code and /auth/login/code/verify (contract §3.1.5, §3.1.6)."""

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from localplatform.accounts.models import LoginCode
from localplatform.identity.models import Login, User
from tests.conftest import bearer
from tests.localplatform.account_support import last_mail, login_code
from tests.localplatform.helpers import assert_error, ok


def request_code(api, email: str) -> str:
    response = api.post("/auth/login/code", json={"email": email})
    assert response.status_code == 204, response.text
    return login_code(last_mail(email.lower()))


def test_a_mailed_code_logs_in_once_and_verifies_the_email(cast, api):
    User.objects.filter(pk=cast.member.user.pk).update(email_verified=False)
    code = request_code(api, "Member@Acme.test")
    assert last_mail("member@acme.test").subject == f"LakeSail: Your sign-in code: {code}"
    tokens = ok(api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": code}))
    assert tokens["organizationId"] == cast.org.id
    assert Login.objects.get(user=cast.member.user).method == "code"
    assert User.objects.get(pk=cast.member.user.pk).email_verified
    ok(api.get("/me", headers=bearer(tokens["accessToken"])))
    again = api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": code})
    assert_error(again, 401, "invalid_credentials")


def test_a_wrong_code_is_refused_and_five_wrong_codes_burn_it(cast, api):
    code = request_code(api, "member@acme.test")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": wrong})
        assert_error(response, 401, "invalid_credentials")
    burned = api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": code})
    assert_error(burned, 401, "invalid_credentials")


def test_an_expired_code_and_a_replaced_code_are_refused(cast, api):
    first = request_code(api, "member@acme.test")
    second = request_code(api, "member@acme.test")
    if first != second:
        response = api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": first})
        assert_error(response, 401, "invalid_credentials")
    LoginCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": second})
    assert_error(expired, 401, "invalid_credentials")


def test_unknown_email_gets_the_same_answer_and_no_mail(cast, api):
    response = api.post("/auth/login/code", json={"email": "nobody@acme.test"})
    assert response.status_code == 204 and response.content == b""
    assert mail.outbox == []
    verify = api.post("/auth/login/code/verify", json={"email": "nobody@acme.test", "code": "123456"})
    assert_error(verify, 401, "invalid_credentials")


def test_code_input_is_validated(cast, api):
    body = assert_error(
        api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": "12345"}),
        422,
        "validation_failed",
    )
    assert "code" in body["details"]["fieldErrors"]
    assert_error(api.post("/auth/login/code", json={}), 422, "validation_failed")


def test_a_disabled_account_gets_no_code(cast, api):
    User.objects.filter(pk=cast.member.user.pk).update(status="disabled")
    assert api.post("/auth/login/code", json={"email": "member@acme.test"}).status_code == 204
    assert mail.outbox == []


def test_code_requests_are_throttled_per_ip_and_email(cast, api):
    for _ in range(10):
        assert api.post("/auth/login/code", json={"email": "member@acme.test"}).status_code == 204
    response = api.post("/auth/login/code", json={"email": "member@acme.test"})
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0
    # An unknown email is throttled the same way: nothing tells the two apart.
    for _ in range(10):
        api.post("/auth/login/code", json={"email": "nobody@acme.test"})
    assert_error(api.post("/auth/login/code", json={"email": "nobody@acme.test"}), 429, "rate_limited")


def test_failed_code_checks_are_throttled(cast, api):
    for _ in range(10):
        api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": "123456"})
    code = request_code(api, "admin@acme.test")  # another email is not affected
    ok(api.post("/auth/login/code/verify", json={"email": "admin@acme.test", "code": code}))
    response = api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": "123456"})
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"]
