"""Platform errors a view does not handle become pages: sign in again, retry, 403, 404, 429."""

import json

import httpx
import pytest
from django.test import override_settings

from console.client.tokens import TOKENS_KEY
from localplatform.identity.services import directory
from tests.client.support import closed_port_url, error_response, faults, on, session_auth
from tests.console.conftest import tokens_of

pytestmark = pytest.mark.urls("tests.console.urls")
HTMX = {"HX-Request": "true"}


def revoke(api, client):
    assert api.post("/auth/logout", headers=session_auth(client.session, "POST", "/auth/logout")).status_code == 204


def test_anonymous_is_sent_to_sign_in_with_next(client, cast):
    response = client.get("/probe/me?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=%2Fprobe%2Fme%3Ftab%3D1"


def test_anonymous_htmx_request_redirects_the_page(client, cast):
    response = client.get("/probe/me", headers={**HTMX, "HX-Current-URL": "http://testserver/probe/me?page=2"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/sign-in?next=%2Fprobe%2Fme%3Fpage%3D2"
    assert "HX-Request" in response["Vary"]


def test_revoked_login_sends_the_user_to_sign_in_keeping_next(signed_in, cast, api):
    client = signed_in(cast.member)
    revoke(api, client)
    response = client.get("/probe/me?tab=1")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=%2Fprobe%2Fme%3Ftab%3D1"
    assert TOKENS_KEY not in client.session
    page = client.get(response["Location"])
    assert "Your session has ended" in page.content.decode()
    signed_back = client.post(response["Location"], {"email": cast.member.email, "password": cast.member.password})
    assert signed_back["Location"] == "/probe/me?tab=1"


def test_revoked_login_on_an_htmx_request(signed_in, cast, api):
    client = signed_in(cast.member)
    revoke(api, client)
    response = client.get("/probe/me", headers={**HTMX, "HX-Current-URL": "http://testserver/"})
    assert response["HX-Redirect"] == "/sign-in?next=%2F"
    assert TOKENS_KEY not in client.session


def test_revoked_login_on_the_dashboard(signed_in, cast, api):
    client = signed_in(cast.member)
    revoke(api, client)
    assert client.get("/")["Location"] == "/sign-in?next=%2F"


def test_unreachable_platform_shows_a_retry_page_until_it_is_back(signed_in, cast):
    client = signed_in(cast.member)
    with override_settings(LAKESAIL_API_URL=closed_port_url()):
        response = client.get("/probe/me?tab=1")
    assert response.status_code == 503
    assert "console/errors/unavailable.html" in [t.name for t in response.templates]
    assert response.context["retry_url"] == "/probe/me?tab=1"
    html = response.content.decode()
    assert "<html" in html and 'href="/probe/me?tab=1"' in html and "Retry" in html
    assert "Could not reach the platform" in html
    assert "Traceback" not in html and "ConnectError(" not in html
    assert "HX-Request" in response["Vary"]
    assert tokens_of(client) is not None  # still signed in
    again = client.get("/probe/me?tab=1")
    assert again.status_code == 200 and again.content == b"Mia Member"


def test_unreachable_platform_on_the_dashboard(signed_in, cast):
    client = signed_in(cast.member)
    with override_settings(LAKESAIL_API_URL=closed_port_url()):
        assert client.get("/").status_code == 503
    assert client.get("/").status_code == 200


def test_unreachable_platform_on_an_htmx_request_is_an_inline_retry(signed_in, cast):
    client = signed_in(cast.member)
    with faults(on("/me", httpx.ReadTimeout("slow"))):
        response = client.get("/probe/me?page=2", headers={**HTMX, "HX-Target": "member-table"})
    assert response.status_code == 503
    html = response.content.decode()
    assert "<html" not in html and 'role="alert"' in html
    assert 'hx-get="/probe/me?page=2"' in html and 'hx-target="#member-table"' in html
    assert "did not answer in time" in html
    assert response["HX-Reswap"] == "innerHTML"
    assert "HX-Request" in response["Vary"]


def test_unavailable_htmx_write_swaps_nothing_so_the_form_keeps_its_input(signed_in, cast):
    client = signed_in(cast.member)
    with faults(on("/auth/logout", error_response(503, "unavailable", retryAfter=30))):
        response = client.post(
            "/probe/write", headers={**HTMX, "HX-Current-URL": "http://testserver/probe/me", "HX-Trigger": "probe-form"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["HX-Reswap"] == "none"  # the form the user typed into stays as it is
    message = json.loads(response["HX-Trigger"])["console:message"]
    assert message["alert"] == "probe-form" and message["tone"] == "danger"
    assert "Nothing was saved" in message["text"] and "try again" in message["text"]
    assert response.content == b""


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/probe/roles/ZZZZZZZZZZ", 404, "not found"),
        (None, 403, "not a member of this organization"),
    ],
)
def test_htmx_refusals_show_the_platforms_own_message(signed_in, cast, path, status, text):
    client = signed_in(cast.outsider if status == 403 else cast.member)
    response = client.get(path or f"/probe/orgs/{cast.org.id}/settings", headers={**HTMX, "HX-Target": "x"})
    assert response.status_code == status
    assert response["HX-Reswap"] == "none"
    assert text in json.loads(response["HX-Trigger"])["console:message"]["text"].lower()


def test_forbidden(signed_in, cast):
    client = signed_in(cast.outsider)
    response = client.get(f"/probe/orgs/{cast.org.id}/settings")
    assert response.status_code == 403
    assert "console/errors/forbidden.html" in [t.name for t in response.templates]
    assert "not a member of this organization" in response.content.decode()


def test_not_found(signed_in, cast):
    client = signed_in(cast.member)
    response = client.get("/probe/roles/ZZZZZZZZZZ")
    assert response.status_code == 404
    assert "console/errors/not_found.html" in [t.name for t in response.templates]
    assert response.context["request_id"].startswith("req_")


def test_rate_limited_says_when_to_retry(signed_in, cast):
    client = signed_in(cast.member)
    with faults(on("/me", error_response(429, "rate_limited", retryAfter=30))):
        response = client.get("/probe/me")
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert "Try again in 30 seconds" in response.content.decode()


def test_unknown_page_is_the_404_page(client, cast):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "console/errors/not_found.html" in [t.name for t in response.templates]


def test_role_of_another_kind_is_not_found(signed_in, cast):
    client = signed_in(cast.member)
    assert client.get(f"/probe/roles/{directory.role('viewer').id}").status_code == 404
