"""A form whose CSRF token does not match the browser's gets a page (or a toast) that says so, not Django's bare 403."""

import json

from django.test import Client

from tests.console.conftest import sign_in
from tests.console.test_theme import CSRF_INPUT, signed_in_strictly

FORGED = "x" * 64  # what a page from before the browser's cookies were cleared sends, as far as Django can tell


def test_the_pages_own_token_is_accepted(cast):
    client = signed_in_strictly(cast.member)
    token = CSRF_INPUT.search(client.get("/teams").content.decode()).group(1)
    sent = client.post("/theme", {"theme": "dark", "next": "/teams", "csrfmiddlewaretoken": token})
    assert sent.status_code == 302 and sent["Location"] == "/teams"


def test_signed_out_the_form_is_refused_and_its_page_opened_again(db):
    client = Client(enforce_csrf_checks=True)
    sent = client.post("/theme", {"theme": "dark"}, HTTP_REFERER="http://testserver/teams?sort=-name")
    assert sent.status_code == 302 and sent["Location"] == "/teams?sort=-name" and "theme" not in sent.cookies
    page = client.get("/sign-in?next=%2Fteams%3Fsort%3D-name")  # where /teams sends a signed-out browser
    assert "That form had expired, so nothing was sent." in page.content.decode()
    unknown = client.post("/sign-in", {"email": "a@b.test"}, HTTP_REFERER="https://evil.example/")
    assert unknown["Location"] == "/sign-in"
    htmx = client.post("/theme", {"theme": "dark"}, HTTP_HX_REQUEST="true", HTTP_REFERER="http://testserver/sign-in")
    assert htmx["HX-Redirect"] == "/sign-in"


def test_signed_in_the_page_says_what_happened_and_offers_the_page_again(cast):
    client = signed_in_strictly(cast.member)
    sent = client.post("/theme", {"csrfmiddlewaretoken": FORGED}, HTTP_REFERER="http://testserver/teams")
    html = sent.content.decode()
    assert sent.status_code == 403 and "This page is out of date" in html and "nothing changed" in html
    assert '<a class="btn btn-primary" href="/teams">' in html and "Open the page again" in html
    assert cast.member.email in html  # in the app shell, signed in
    elsewhere = client.post("/theme", {"csrfmiddlewaretoken": FORGED}, HTTP_REFERER="https://evil.example/teams")
    assert elsewhere.status_code == 403 and "evil.example" not in elsewhere.content.decode()


def test_an_htmx_form_keeps_what_was_typed_and_says_why(cast):
    client = signed_in_strictly(cast.member)
    sent = client.post("/theme", {"theme": "dark"}, HTTP_X_CSRFTOKEN=FORGED, HTTP_HX_REQUEST="true")
    assert sent.status_code == 403 and sent["HX-Reswap"] == "none" and sent.content == b""
    message = json.loads(sent["HX-Trigger"])["console:message"]
    assert message["tone"] == "warning" and "Reload the page" in message["text"]


def test_the_platform_api_keeps_djangos_answer(db):
    # The API is exempt from CSRF; a platform path that reached this view would not get a console page.
    from django.test import RequestFactory

    from console.views.errors import csrf_failure

    response = csrf_failure(RequestFactory().post("/api/v1/anything"), reason="test")
    assert response.status_code == 403 and b"LakeSail Console" not in response.content


def test_the_cookie_is_sent_when_new_or_rotated_and_not_with_every_page(cast):
    client = Client(enforce_csrf_checks=True)
    first = client.get("/sign-in")
    assert first.cookies["csrftoken"].value  # a new browser gets one
    again = client.get("/sign-in")
    assert "csrftoken" not in again.cookies  # it has it: no Set-Cookie (Django re-sends it on every page)
    token = CSRF_INPUT.search(again.content.decode()).group(1)
    old = client.cookies["csrftoken"].value
    signed_in = sign_in(client, cast.member, csrfmiddlewaretoken=token)
    assert signed_in.status_code == 302 and signed_in.cookies["csrftoken"].value != old  # sign-in rotates it
    page = client.get("/teams")
    assert page.status_code == 200 and "csrftoken" not in page.cookies
    client.cookies.pop("csrftoken")
    assert client.get("/teams").cookies["csrftoken"].value  # lost or expired: the next page sets a fresh one
