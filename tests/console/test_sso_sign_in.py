"""Single sign-on from the sign-in page, through the real loopback OIDC provider: by work email to the
provider and back to /sign-in/sso/callback, signed in (DPoP-bound); or a plain-words refusal, signed out."""

import html
import re
from urllib.parse import urlencode

import httpx

from console.client.tokens import TokenBundle
from console.sessions import TOKENS_KEY
from localplatform.identity.models import Login, Member
from tests.client.support import assert_kept, faults, on
from tests.console.test_dashboard import text_of
from tests.localplatform.oidc_support import sign_in_at_provider


def provider_url(response) -> str:
    """Where the page that leaves for the provider sends the browser (its meta refresh)."""
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Cache-Control"] == "no-store"
    found = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', response.content.decode())
    return html.unescape(found[1])


def through_provider(client, email: str, login: str | None = None):
    """Start SSO on the console for `email`, sign in at the provider as `login`, come back: the callback's response."""
    start = client.post("/sign-in/sso", {"email": email})
    query = sign_in_at_provider(provider_url(start), login or email)
    return client.get("/sign-in/sso/callback?" + urlencode(query))


def test_the_sign_in_page_offers_sso(client):
    html = client.get("/sign-in").content.decode()
    assert 'href="/sign-in/sso"' in html and "Sign in with SSO" in html


def test_an_existing_member_signs_in_through_the_provider_with_a_bound_login(client, cast, real_idp):
    response = through_provider(client, "member@acme.test")
    assert response.status_code == 302 and response["Location"] == "/"
    assert TokenBundle.from_dict(client.session[TOKENS_KEY]).token_type == "DPoP"
    login = Login.objects.filter(user__email="member@acme.test").latest("created_at")
    assert login.method == "sso"
    assert "Mia Member" in text_of(client.get("/"))


def test_a_new_person_is_provisioned_with_the_default_role(client, cast, real_idp):
    response = through_provider(client, "nina@acme.test")
    assert response.status_code == 302
    member = Member.objects.get(organization=cast.org, user__email="nina@acme.test")
    assert [role.id for role in member.roles.all()] == [cast.org.default_role_id]


def test_next_is_kept_across_the_provider(client, cast, real_idp):
    start = client.post("/sign-in/sso?next=/teams", {"email": "member@acme.test"})
    query = sign_in_at_provider(provider_url(start), "member@acme.test")
    assert client.get("/sign-in/sso/callback?" + urlencode(query))["Location"] == "/teams"


def test_an_unknown_domain_is_an_error_at_the_email_keeping_it(client, real_idp):
    response = client.post("/sign-in/sso", {"email": "ada@elsewhere.test"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "No single sign-on is set up for this email" in html and 'value="ada@elsewhere.test"' in html
    assert 'id="id_email_error"' in html


def test_an_unverified_email_is_refused_in_plain_words_and_nobody_is_signed_in(client, real_idp):
    response = through_provider(client, "unverified@acme.test")
    assert response.status_code == 401
    text = text_of(response)
    assert "Single sign-on did not finish" in text and "You are not signed in." in text and "verified" in text
    assert TOKENS_KEY not in client.session
    assert client.get("/").status_code == 302


def test_the_providers_own_error_is_shown_with_a_way_back(client, real_idp):
    start = client.post("/sign-in/sso", {"email": "member@acme.test"})
    query = sign_in_at_provider(provider_url(start), "member@acme.test", cancel=True)
    response = client.get("/sign-in/sso/callback?" + urlencode(query))
    assert response.status_code == 401
    html = response.content.decode()
    assert "access_denied" in html or "refused" in text_of(response)
    assert 'href="/sign-in"' in html and 'href="/sign-in/sso"' in html


def test_a_reused_callback_does_not_sign_in_twice(client, real_idp, cast):
    start = client.post("/sign-in/sso", {"email": "member@acme.test"})
    query = sign_in_at_provider(provider_url(start), "member@acme.test")
    assert client.get("/sign-in/sso/callback?" + urlencode(query)).status_code == 302
    client.post("/sign-out")
    again = client.get("/sign-in/sso/callback?" + urlencode(query))
    assert again.status_code == 401 and "Single sign-on did not finish" in text_of(again)


def test_platform_down_at_start_keeps_the_email(client, real_idp):
    with faults(on("/auth/sso/start", httpx.ConnectError("the platform went away"))):
        response = client.post("/sign-in/sso", {"email": "member@acme.test"})
    assert response.status_code == 422
    assert_kept(response, {"email": "member@acme.test"})


def test_platform_down_at_the_callback_says_so_and_signs_nobody_in(client, real_idp):
    start = client.post("/sign-in/sso", {"email": "member@acme.test"})
    query = sign_in_at_provider(provider_url(start), "member@acme.test")
    with faults(on("/auth/sso/callback", httpx.ConnectError("the platform went away"))):
        response = client.get("/sign-in/sso/callback?" + urlencode(query))
    assert response.status_code == 503 and "responding, so the sign-in could not be finished" in text_of(response)
    assert TOKENS_KEY not in client.session
