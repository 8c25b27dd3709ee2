"""Sign-out revokes the platform login and clears the session, whatever the platform says."""

from django.test import override_settings

from console.client.tokens import TOKENS_KEY
from tests.client.support import closed_port_url, session_auth
from tests.console.conftest import tokens_of


def test_sign_out_revokes_the_platform_login(signed_in, cast, api):
    client = signed_in(cast.member)
    old, session = tokens_of(client), dict(client.session.items())
    response = client.post("/sign-out")
    assert response.status_code == 302 and response["Location"] == "/sign-in"
    assert TOKENS_KEY not in client.session
    me = api.get("/me", headers=session_auth(session, "GET", "/me"))  # the old login, with its key
    assert me.status_code == 401 and me.json()["code"] == "invalid_token"
    refreshed = api.post("/auth/token/refresh", json={"refreshToken": old.refresh_token})
    assert refreshed.status_code == 401
    page = client.get("/sign-in")
    assert "You have signed out." in page.content.decode()


def test_sign_out_works_while_the_platform_is_down(signed_in, cast, api):
    client = signed_in(cast.member)
    with override_settings(LAKESAIL_API_URL=closed_port_url()):
        response = client.post("/sign-out")
    assert response["Location"] == "/sign-in"
    assert TOKENS_KEY not in client.session
    assert client.get("/")["Location"] == "/sign-in?next=%2F"


def test_sign_out_needs_post(signed_in, cast):
    client = signed_in(cast.member)
    assert client.get("/sign-out").status_code == 405
    assert tokens_of(client) is not None


def test_anonymous_sign_out_just_goes_to_sign_in(client, cast):
    assert client.post("/sign-out")["Location"] == "/sign-in"


def test_htmx_sign_out_redirects_the_page(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post("/sign-out", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/sign-in"
    assert "HX-Request" in response["Vary"]
