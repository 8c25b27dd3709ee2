"""Sign in with a one-time code sent by email."""

import httpx
import pytest

from localplatform.identity.services import directory
from tests.client.support import assert_kept, error_response, faults, on
from tests.console.accounts_support import last_mail, mailed_code


def test_code_sign_in(client, cast, outbox):
    response = client.post("/sign-in/code", {"email": cast.member.email})
    assert response.status_code == 302 and response["Location"] == "/sign-in/code/verify"
    page = client.get("/sign-in/code/verify")
    assert cast.member.email in page.content.decode()
    code = mailed_code(last_mail(cast.member.email))
    with faults(lambda request: None) as transport:
        response = client.post("/sign-in/code/verify", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    assert [f"{r.method} {r.url.path}" for r in transport.requests] == [
        "POST /api/v1/auth/login/code/verify",
        "GET /api/v1/me",
        f"GET /api/v1/org/roles/{directory.role('member').id}",  # what the member may do, learned once
    ]


def test_unknown_email_gets_the_same_answer(client, db):
    response = client.post("/sign-in/code", {"email": "nobody@nowhere.test"})
    assert response.status_code == 302 and response["Location"] == "/sign-in/code/verify"


def test_wrong_code_is_refused_at_the_field(client, cast, outbox):
    client.post("/sign-in/code", {"email": cast.member.email})
    response = client.post("/sign-in/code/verify", {"code": "000000"})
    assert response.status_code == 422
    assert "wrong or has expired" in response.context["form"].errors["code"][0]


def test_malformed_code_needs_no_call(client, cast, outbox):
    client.post("/sign-in/code", {"email": cast.member.email})
    with faults(lambda request: pytest.fail("no platform call expected")):
        response = client.post("/sign-in/code/verify", {"code": "12ab"})
    assert response.context["form"].errors["code"] == ["Enter the 6-digit code."]


def test_code_rate_limit(client, db):
    with faults(on("/auth/login/code", error_response(429, "rate_limited", retryAfter=60))):
        response = client.post("/sign-in/code", {"email": "x@y.test"})
    assert "Try again in 60 seconds." in response.content.decode()


def test_verify_step_without_an_email_goes_back(client, db):
    assert client.get("/sign-in/code/verify")["Location"] == "/sign-in/code"


def test_sign_in_page_offers_every_way_in(client, db):
    html = client.get("/sign-in").content.decode()
    for link in ("/sign-in/code", "/forgot-password", "/sign-up", "/dev-mailbox"):
        assert f'href="{link}"' in html


def test_code_verify_keeps_the_code_when_the_platform_fails_on_submit(client, cast, outbox):
    client.post("/sign-in/code", {"email": cast.member.email})
    with faults(on("/auth/login/code/verify", httpx.ConnectError("refused"))):
        response = client.post("/sign-in/code/verify", {"code": "123456"})
    assert response.status_code == 422
    assert_kept(response, {"code": "123456"})
    assert client.session["signin.code_email"] == cast.member.email  # the step can be tried again
