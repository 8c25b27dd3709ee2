"""Sign-up, "check your email", the verify-email landing page and resending the link."""

import re

import httpx
import pytest
from django.utils.html import escape

from console.forms.base import UNREACHABLE
from localplatform.identity.models import User
from tests.client.support import assert_kept, error_response, faults, on
from tests.console.accounts_support import last_mail, link_token

NEW = {
    "given_name": "Nina",
    "family_name": "New",
    "email": "nina@newco.test",
    "organization_name": "NewCo",
    "password": "a-long-enough-password",
}


def recorded(transport) -> list[str]:
    """The platform calls a block made, as "METHOD /path"."""
    return [f"{request.method} {request.url.path}" for request in transport.requests]


def test_sign_up_page_has_every_field(client, db):
    response = client.get("/sign-up")
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {
        "given_name",
        "family_name",
        "email",
        "organization_name",
        "password",
    }
    assert 'autocomplete="new-password"' in response.content.decode()


def test_sign_up_creates_the_account_and_mails_a_link(client, cast, outbox):
    with faults(lambda request: None) as transport:
        response = client.post("/sign-up", NEW)
    assert recorded(transport) == ["POST /api/v1/auth/signup"]
    assert response.status_code == 302 and response["Location"] == "/sign-up/check-email"
    user = User.objects.get(email=NEW["email"])
    assert user.given_name == "Nina"
    page = client.get("/sign-up/check-email")
    assert "nina@newco.test" in page.content.decode() and "Open the Dev mailbox" in page.content.decode()
    assert link_token(last_mail(NEW["email"]), "/verify-email")


def test_a_registered_email_gets_the_same_screens_and_its_owner_a_mail(client, cast, outbox):
    """No enumeration (§3.1.2): a registered address goes to "check your email" like a new one; nothing is created."""
    users = User.objects.count()
    taken = client.post("/sign-up", {**NEW, "email": cast.owner.email})
    assert taken.status_code == 302 and taken["Location"] == "/sign-up/check-email"
    taken_page = client.get("/sign-up/check-email").content.decode()
    client.post("/sign-up", NEW)
    new_page = client.get("/sign-up/check-email").content.decode()
    assert strip_tokens(taken_page).replace(cast.owner.email, NEW["email"]) == strip_tokens(new_page)
    assert "already has an account, the message tells you how to sign in" in new_page
    assert User.objects.count() == users + 1  # only the new address's account
    notice = last_mail(cast.owner.email)
    assert "tried to create" in notice.subject and "http://testserver/sign-in" in notice.text


def strip_tokens(html: str) -> str:
    """The page without what differs on every response: CSP nonces and (64-character) CSRF tokens."""
    return re.sub(r'nonce="[^"]*"|\b[A-Za-z0-9]{64}\b', "", html)


def test_sign_up_short_password_is_refused_before_the_platform(client, db):
    with faults(lambda request: pytest.fail("no platform call expected")):
        response = client.post("/sign-up", {**NEW, "password": "short"})
    assert "password" in response.context["form"].errors


def test_platform_field_errors_land_at_the_field(client, db):
    refusal = error_response(422, "validation_failed", fieldErrors={"organizationName": "Too similar to another."})
    with faults(on("/auth/signup", refusal)):
        response = client.post("/sign-up", NEW)
    assert response.context["form"].errors["organization_name"] == ["Too similar to another."]


def test_rate_limited_sign_up_says_when_to_try_again(client, db):
    with faults(on("/auth/signup", error_response(429, "rate_limited", retryAfter=42))):
        response = client.post("/sign-up", NEW)
    assert "Try again in 42 seconds." in response.context["form"].non_field_errors()[0]


def test_sign_up_keeps_what_was_typed_when_the_platform_fails_on_submit(client, db):
    with faults(on("/auth/signup", httpx.ConnectError("refused"))):
        response = client.post("/sign-up", NEW)
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [UNREACHABLE]
    assert_kept(response, {name: value for name, value in NEW.items() if name != "password"})
    assert NEW["password"] not in response.content.decode()
    assert not User.objects.filter(email=NEW["email"]).exists()


def test_signed_in_users_do_not_sign_up(signed_in, cast):
    assert signed_in(cast.owner).get("/sign-up")["Location"] == "/"


def test_check_email_without_a_sign_up_goes_back(client, db):
    assert client.get("/sign-up/check-email")["Location"] == "/sign-up"


def test_verify_email_link_then_sign_in(client, cast, outbox):
    client.post("/sign-up", NEW)
    assert (
        client.post("/sign-in", {"email": NEW["email"], "password": NEW["password"]}).status_code == 422
    )  # unverified
    token = link_token(last_mail(NEW["email"]), "/verify-email")
    with faults(lambda request: None) as transport:
        landing = client.get(f"/verify-email?token={token}")
    assert recorded(transport) == []
    assert landing.status_code == 200 and "Verify my email address" in landing.content.decode()
    assert (
        not User.objects.get(email=NEW["email"]).emailaddress_set.filter(verified=True).exists()
    )  # GET changes nothing
    done = client.post("/verify-email", {"token": token})
    assert "Email verified" in done.content.decode()
    response = client.post("/sign-in", {"email": NEW["email"], "password": NEW["password"]})
    assert response.status_code == 302 and response["Location"] == "/"


def test_unverified_sign_in_offers_a_new_link(client, cast, outbox):
    client.post("/sign-up", NEW)
    response = client.post("/sign-in", {"email": NEW["email"], "password": NEW["password"]})
    assert response.context["unverified"] is True
    assert "/verify-email/resend?email=nina%40newco.test" in response.content.decode()


def test_verify_email_with_a_bad_token(client, db):
    response = client.post("/verify-email", {"token": "not-a-real-token"})
    assert response.status_code == 422
    assert "invalid or has expired" in response.content.decode() and "Send a new link" in response.content.decode()


def test_verify_email_without_a_token(client, db):
    response = client.get("/verify-email")
    assert "Verification link incomplete" in response.content.decode()


def test_resend_gives_the_same_answer_for_unknown_addresses(client, cast, outbox):
    client.post("/sign-up", NEW)
    first = link_token(last_mail(NEW["email"]), "/verify-email")
    known = client.post("/verify-email/resend", {"email": NEW["email"]})
    unknown = client.post("/verify-email/resend", {"email": "nobody@nowhere.test"})
    assert known.context["sent"] and unknown.context["sent"]
    assert (
        "a new link is on its way" in known.content.decode() and "a new link is on its way" in unknown.content.decode()
    )
    assert link_token(last_mail(NEW["email"]), "/verify-email") != first


def test_resend_rate_limit(client, db):
    with faults(on("/auth/email/verify/resend", error_response(429, "rate_limited", retryAfter=300))):
        response = client.post("/verify-email/resend", {"email": "x@y.test"})
    assert "Try again in 300 seconds." in response.content.decode()


def test_resend_invalid_email_keeps_it(client, db):
    response = client.post("/verify-email/resend", {"email": "not an email"})
    assert 'value="not an email"' in response.content.decode()


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        ("/verify-email/resend", "/auth/email/verify/resend"),
        ("/forgot-password", "/auth/password/forgot"),
        ("/sign-in/code", "/auth/login/code"),
    ],
)
def test_address_forms_keep_the_address_when_the_platform_fails_on_submit(client, db, url, operation):
    with faults(on(operation, httpx.ConnectError("refused"))):
        response = client.post(url, {"email": "nina@newco.test"})
    assert response.status_code == 422
    assert_kept(response, {"email": "nina@newco.test"})
    assert "on its way" not in response.content.decode() and "signin.code_email" not in client.session


def test_verify_email_keeps_the_link_when_the_platform_fails_on_submit(client, cast, outbox):
    client.post("/sign-up", NEW)
    token = link_token(last_mail(NEW["email"]), "/verify-email")
    with faults(on("/auth/email/verify", httpx.ConnectError("refused"))):
        response = client.post("/verify-email", {"token": token})
    assert response.status_code == 422
    assert_kept(response, {"token": token})  # the button can be pressed again
    assert "Verify my email address" in response.content.decode()
    assert not User.objects.get(email=NEW["email"]).emailaddress_set.filter(verified=True).exists()


def summary_of(response) -> list[tuple[str, str]]:
    """The error summary's entries as (link target, text); [] when there is no summary."""
    html = response.content.decode()
    if 'class="error-summary"' not in html:
        return []
    block = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<li><a href="#([^"]+)" data-field="[^"]+">([^<]+)</a></li>', block)


def test_several_failed_fields_are_listed_above_the_form_without_a_call(client, db):
    with faults(lambda request: pytest.fail("no platform call expected")):
        response = client.post("/sign-up", {**NEW, "given_name": "", "email": "not-an-address", "password": "short"})
    assert response.status_code == 422
    assert summary_of(response) == [
        ("id_given_name", "First name: Enter your first name."),
        ("id_email", "Work email: Enter a valid email address."),
        ("id_password", "Password: Use at least 12 characters."),
    ]
    html = response.content.decode()
    assert '<div class="error-summary" id="sign-up-form-errors" tabindex="-1" autofocus' in html
    assert "3 fields to correct" in html
    assert 'value="NewCo"' in html and 'value="not-an-address"' in html  # the rest stays as typed


def test_an_empty_sign_up_says_what_each_field_needs(client, db):
    response = client.post("/sign-up", {})
    assert [text for _, text in summary_of(response)] == [
        "First name: Enter your first name.",
        "Last name: Enter your last name.",
        "Work email: Enter your work email.",
        "Organization name: Enter a name for your organization.",
        "Password: Choose a password.",
    ]


def test_one_failed_field_has_no_summary(client, db):
    response = client.post("/sign-up", {**NEW, "password": "short"})
    assert response.status_code == 422 and summary_of(response) == []
    assert "Use at least 12 characters." in response.content.decode()


def test_the_platform_refusing_two_fields_gets_a_summary(client, db):
    refusal = error_response(
        422, "validation_failed", fieldErrors={"email": "Use a work address.", "organizationName": "Taken."}
    )
    with faults(on("/auth/signup", refusal)):
        response = client.post("/sign-up", NEW)
    assert summary_of(response) == [
        ("id_email", "Work email: Use a work address."),
        ("id_organization_name", "Organization name: Taken."),
    ]


def test_a_platform_outage_is_the_form_alert_not_a_summary(client, db):
    with faults(on("/auth/signup", httpx.ConnectError("refused"))):
        response = client.post("/sign-up", NEW)
    assert response.status_code == 422 and summary_of(response) == []
    assert escape(UNREACHABLE) in response.content.decode()
