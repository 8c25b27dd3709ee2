"""Sign-in: success, every refusal the platform can give, and where the user goes afterwards."""

import httpx
import pytest
from django.test import override_settings

from console.client.tokens import TOKENS_KEY
from console.forms.base import UNREACHABLE
from console.sessions import IDENTITY_KEY
from localplatform.identity.models import User
from localplatform.identity.services import directory
from tests.client.support import assert_kept, closed_port_url, error_response, faults, on
from tests.console.conftest import sign_in, tokens_of


def test_sign_in_page(client, cast):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert "console/auth/sign_in.html" in [t.name for t in response.templates]
    assert response.context["next"] == ""
    assert response.context["local_mode"] is True
    assert set(response.context["form"].fields) == {"email", "password"}


def test_sign_in_stores_the_login_and_identity(client, cast, caplog):
    client.get("/sign-in")
    anonymous_key = client.session.session_key
    caplog.set_level("INFO", logger="console.client")
    response = sign_in(client, cast.member)
    assert response.status_code == 302 and response["Location"] == "/"
    session = client.session
    assert session.session_key != anonymous_key
    assert tokens_of(client).generation == 1
    identity = session[IDENTITY_KEY]
    assert identity["display_name"] == "Mia Member" and identity["email"] == cast.member.email
    assert identity["organization_id"] == cast.org.id and identity["organization_name"] == "Acme Analytics"
    assert identity["role_ids"] == [directory.role("member").id]
    assert [choice["name"] for choice in identity["organizations"]] == ["Acme Analytics"]
    calls = [r.getMessage().split(" -> ")[0] for r in caplog.records if r.getMessage().startswith("platform ")]
    # What the member may do is learned once here, so screens need not ask (one call per held role).
    assert calls == [
        "platform POST /auth/login",
        "platform GET /me",
        f"platform GET /org/roles/{directory.role('member').id}",
    ]


def test_wrong_password_keeps_the_email_and_drops_the_password(client, cast):
    response = client.post("/sign-in", {"email": cast.member.email, "password": "not her password"})
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == ["Email or password is incorrect."]
    html = response.content.decode()
    assert f'value="{cast.member.email}"' in html
    assert "not her password" not in html
    assert TOKENS_KEY not in client.session


def test_unknown_email_reads_the_same(client, cast):
    response = client.post("/sign-in", {"email": "nobody@acme.test", "password": "whatever-password"})
    assert response.context["form"].non_field_errors() == ["Email or password is incorrect."]


def test_unverified_email_shows_the_platform_message(client, cast):
    directory.create_user("new@acme.test", "a-long-password-1", "New", "Person", email_verified=False)
    response = client.post("/sign-in", {"email": "new@acme.test", "password": "a-long-password-1"})
    [error] = response.context["form"].non_field_errors()
    assert "verif" in error.lower()


def test_disabled_account_shows_the_platform_message(client, cast):
    User.objects.filter(pk=cast.member.user.pk).update(status=User.DISABLED)
    response = sign_in(client, cast.member)
    [error] = response.context["form"].non_field_errors()
    assert "disabled" in error.lower()


def test_too_many_attempts_says_when_to_try_again(client, cast):
    for _ in range(10):
        client.post("/sign-in", {"email": cast.member.email, "password": "not her password"})
    response = sign_in(client, cast.member)
    [error] = response.context["form"].non_field_errors()
    assert error.startswith("Too many sign-in attempts. Try again in ")
    assert TOKENS_KEY not in client.session


def test_platform_unreachable_is_an_inline_error(client, cast):
    with override_settings(LAKESAIL_API_URL=closed_port_url()):
        response = sign_in(client, cast.member)
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [UNREACHABLE]
    assert_kept(response, {"email": cast.member.email})
    assert cast.member.password not in response.content.decode()


def test_platform_field_errors_land_on_the_fields(client, cast):
    refusal = error_response(422, "validation_failed", fieldErrors={"email": "Not an address we accept."})
    with faults(on("/auth/login", refusal)):
        response = sign_in(client, cast.member)
    assert response.context["form"].errors["email"] == ["Not an address we accept."]


def test_mfa_challenge_leads_to_the_mfa_step(client, cast):
    challenge = {"mfaRequired": True, "mfaToken": "mfa-token-text", "methods": ["totp"], "expiresIn": 300}
    with faults(on("/auth/login", httpx.Response(200, json=challenge))):
        response = sign_in(client, cast.member)
    assert response.status_code == 302 and response["Location"] == "/sign-in/mfa"
    page = client.get("/sign-in/mfa")
    assert page.status_code == 200 and "<h1>Multi-factor authentication</h1>" in page.content.decode()
    assert "mfa-token-text" not in page.content.decode()  # the MFA token stays in the server-side session


def test_form_errors_need_no_platform_call(client, cast):
    with faults(lambda request: pytest.fail("no platform call expected")):
        response = client.post("/sign-in", {"email": "not an email", "password": ""})
    assert set(response.context["form"].errors) == {"email", "password"}


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/probe/me?tab=roles", "/probe/me?tab=roles"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_is_followed_only_when_safe(client, cast, next_url, expected):
    page = client.get("/sign-in", {"next": next_url})
    assert page.context["next"] == ("" if expected == "/" else next_url)
    response = sign_in(client, cast.member, next=next_url)
    assert response["Location"] == expected


def test_signed_in_user_skips_the_form(signed_in, cast):
    client = signed_in(cast.member)
    assert client.get("/sign-in")["Location"] == "/"
    assert client.get("/sign-in", {"next": "/probe/me"})["Location"] == "/probe/me"


def test_the_login_records_the_browsers_address_and_device(client, cast):
    from localplatform.identity.models import Login

    firefox = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0"
    client.post(
        "/sign-in",
        {"email": cast.member.email, "password": cast.member.password},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT=firefox,
    )
    login = Login.objects.get(user=cast.member.user)
    assert login.ip_address == "203.0.113.7"
    assert login.device == "Firefox on Mac OS X"
