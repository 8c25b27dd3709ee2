"""POST /auth/signup, /auth/email/verify and /auth/email/verify/resend (contract §3.1.2, §3.1.13, §3.1.14)."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.core import mail
from django.utils import timezone

from localplatform.identity.models import Member, Organization, User
from tests.localplatform.account_support import STRONG, last_mail, link_token, mails_to
from tests.localplatform.helpers import assert_error, ok

SIGNUP = {
    "email": "Nina@Example.com",
    "password": STRONG,
    "givenName": "Nina",
    "familyName": "New",
    "organizationName": "Nina's Lakehouse",
}


def test_signup_creates_an_owner_and_mails_a_verification_link(db, api):
    assert ok(api.post("/auth/signup", json=SIGNUP), 202) == {"emailVerificationRequired": True}
    user = User.objects.get(email="nina@example.com")
    assert user.display_name == "Nina New" and not user.email_verified
    member = Member.objects.get(user=user)
    assert member.organization.name == "Nina's Lakehouse"
    assert [r.key for r in member.roles.all()] == ["owner"]
    message = last_mail("nina@example.com")
    assert message.subject == "LakeSail: Verify your email address"
    assert "http://testserver/verify-email?token=" in message.body  # the origin of the request
    # Not verified yet: login is refused, and says why.
    login = {"email": "nina@example.com", "password": STRONG}
    assert_error(api.post("/auth/login", json=login), 403, "email_not_verified")
    verified = ok(api.post("/auth/email/verify", json={"token": link_token(message, "verify-email")}))
    assert verified["email"] == "nina@example.com" and verified["verifiedAt"]
    assert User.objects.get(email="nina@example.com").email_verified
    ok(api.post("/auth/login", json=login))


def test_mail_links_use_the_public_base_url_when_set(db, api, settings):
    settings.LAKESAIL_PUBLIC_BASE_URL = "https://console.example.com"
    ok(api.post("/auth/signup", json=SIGNUP), 202)
    assert "https://console.example.com/verify-email?token=" in last_mail("nina@example.com").body


def test_a_verification_link_works_once(db, api):
    ok(api.post("/auth/signup", json=SIGNUP), 202)
    token = link_token(last_mail("nina@example.com"), "verify-email")
    ok(api.post("/auth/email/verify", json={"token": token}))
    body = assert_error(api.post("/auth/email/verify", json={"token": token}), 422, "validation_failed")
    assert body["details"]["fieldErrors"] == {"token": "invalid or expired"}


def test_an_expired_or_unknown_verification_token_is_refused(db, api):
    ok(api.post("/auth/signup", json=SIGNUP), 202)
    token = link_token(last_mail("nina@example.com"), "verify-email")
    EmailConfirmation.objects.update(sent=timezone.now() - timedelta(hours=24, seconds=1))
    assert_error(api.post("/auth/email/verify", json={"token": token}), 422, "validation_failed")
    assert_error(api.post("/auth/email/verify", json={"token": "nope"}), 422, "validation_failed")
    assert_error(api.post("/auth/email/verify", json={"token": ""}), 422, "validation_failed")
    assert not EmailAddress.objects.get(email="nina@example.com").verified


def test_signup_refuses_a_weak_password_and_bad_fields(cast, api):
    weak = assert_error(api.post("/auth/signup", json={**SIGNUP, "password": "password1234"}), 422, "validation_failed")
    assert "password" in weak["details"]["fieldErrors"]
    short = assert_error(api.post("/auth/signup", json={**SIGNUP, "password": "short"}), 422, "validation_failed")
    assert "password" in short["details"]["fieldErrors"]
    bad = assert_error(api.post("/auth/signup", json={**SIGNUP, "email": "not-an-email"}), 422, "validation_failed")
    assert "email" in bad["details"]["fieldErrors"]
    extra = assert_error(api.post("/auth/signup", json={**SIGNUP, "role": "owner"}), 422, "validation_failed")
    assert extra["details"]["fieldErrors"] == {"role": "unknown field"}
    missing = {k: v for k, v in SIGNUP.items() if k != "organizationName"}
    assert_error(api.post("/auth/signup", json=missing), 422, "validation_failed")
    assert not User.objects.filter(email="nina@example.com").exists()
    # A registered address meets the same rules first: its 422 is no different.
    taken = assert_error(
        api.post("/auth/signup", json={**SIGNUP, "email": "owner@acme.test", "password": "short"}),
        422,
        "validation_failed",
    )
    assert taken["details"]["fieldErrors"] == short["details"]["fieldErrors"]
    assert not mail.outbox


def answer(response) -> tuple:
    """What a caller sees of a response, apart from its request id."""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("lakesail-request-id", "date")}
    return response.status_code, headers, response.content


@pytest.mark.parametrize(
    "registered",
    ["owner@acme.test", "OWNER@Acme.test", "second@acme.test"],
    ids=["primary", "other-case", "additional-unverified"],
)
def test_a_registered_address_gets_the_same_answer_and_a_mail_instead(cast, api, registered):
    """No enumeration (§3.1.2, §6 item 14): the answer for a registered address equals a new one's."""
    EmailAddress.objects.create(user=cast.member.user, email="second@acme.test", primary=False, verified=False)
    counts = (User.objects.count(), Organization.objects.count(), Member.objects.count())
    taken = api.post("/auth/signup", json={**SIGNUP, "email": registered})
    new = api.post("/auth/signup", json=SIGNUP)
    assert answer(taken) == answer(new)
    assert taken.status_code == 202 and taken.json() == {"emailVerificationRequired": True}
    assert (User.objects.count(), Organization.objects.count(), Member.objects.count()) == (
        counts[0] + 1,
        counts[1] + 1,
        counts[2] + 1,
    )  # only the new address's account and organization
    address = registered.lower()
    [notice] = mails_to(address)
    assert notice.subject == "LakeSail: Someone tried to create an account with your address"
    assert "http://testserver/sign-in" in notice.body and "http://testserver/forgot-password" in notice.body
    assert "token=" not in notice.body  # links to the pages, no credential in it
    assert "Olivia" not in notice.body and "Mia" not in notice.body  # nor whose account it is
    html, mimetype = notice.alternatives[0]
    assert mimetype == "text/html" and 'href="http://testserver/forgot-password"' in html
    assert Organization.objects.filter(name="Nina's Lakehouse").count() == 1  # the new address's only


def test_signup_is_throttled_per_ip_and_email(cast, api):
    """§1.6: 10 per minute per (IP, email), counting every request, registered address or not."""
    for n in range(10):
        email = "owner@acme.test" if n % 2 else f"new{n}@example.com"
        assert api.post("/auth/signup", json={**SIGNUP, "email": email}).status_code == 202
    for _ in range(5):
        assert api.post("/auth/signup", json={**SIGNUP, "email": "owner@acme.test"}).status_code == 202
    body = assert_error(api.post("/auth/signup", json={**SIGNUP, "email": "owner@acme.test"}), 429, "rate_limited")
    assert body["details"]["retryable"] is True and 0 < body["details"]["retryAfter"] <= 60
    assert len(mails_to("owner@acme.test")) == 10
    assert api.post("/auth/signup", json={**SIGNUP, "email": "other@example.com"}).status_code == 202


def test_signup_is_throttled_per_ip_over_an_hour(db, api):
    """§1.6: 20 per hour per IP, whatever the addresses."""
    for n in range(20):
        assert api.post("/auth/signup", json={**SIGNUP, "email": f"n{n}@example.com"}).status_code == 202
    body = assert_error(api.post("/auth/signup", json={**SIGNUP, "email": "n99@example.com"}), 429, "rate_limited")
    assert 3500 < body["details"]["retryAfter"] <= 3600
    assert not User.objects.filter(email="n99@example.com").exists()


def test_resend_replaces_the_link_and_answers_the_same_for_anyone(cast, api):
    ok(api.post("/auth/signup", json=SIGNUP), 202)
    first = link_token(last_mail("nina@example.com"), "verify-email")
    assert api.post("/auth/email/verify/resend", json={"email": "nina@example.com"}).status_code == 204
    second = link_token(last_mail("nina@example.com"), "verify-email")
    assert first != second
    assert_error(api.post("/auth/email/verify", json={"token": first}), 422, "validation_failed")
    ok(api.post("/auth/email/verify", json={"token": second}))
    sent = len(mail.outbox)
    # Unknown, already verified: the same 204, and no mail.
    for email in ("nobody@example.com", "owner@acme.test", "nina@example.com"):
        response = api.post("/auth/email/verify/resend", json={"email": email})
        assert response.status_code == 204 and response.content == b""
    assert len(mail.outbox) == sent


def test_resend_is_throttled_per_ip_and_email_with_retry_after(db, api):
    for _ in range(10):
        assert api.post("/auth/email/verify/resend", json={"email": "x@example.com"}).status_code == 204
    body = assert_error(api.post("/auth/email/verify/resend", json={"email": "x@example.com"}), 429, "rate_limited")
    response = api.post("/auth/email/verify/resend", json={"email": "x@example.com"})
    assert 0 < int(response.headers["Retry-After"]) <= 60 and body["details"]["retryable"] is True
    assert api.post("/auth/email/verify/resend", json={"email": "y@example.com"}).status_code == 204


def test_users_from_the_directory_get_their_primary_address(cast, api):
    address = EmailAddress.objects.get(user=cast.owner.user)
    assert (address.email, address.primary, address.verified) == ("owner@acme.test", True, True)
    assert mails_to("owner@acme.test") == []


def test_mail_text_is_not_html_escaped(db, api):
    ok(api.post("/auth/signup", json={**SIGNUP, "givenName": "D'Arcy"}), 202)
    assert "Hello D'Arcy," in last_mail("nina@example.com").body
