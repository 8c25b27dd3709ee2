"""Reset MFA behind a confirmation that says what happens: a dialog on Security, a page without JavaScript."""

import json
import re

import pyotp

from tests.client.support import faults
from tests.console.accounts_support import enable_totp, other_code
from tests.console.conftest import sign_in, tokens_of
from tests.console.test_dashboard import text_of

RESET = "/account/security/mfa/reset"


def history(response) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def with_mfa(signed_in, cast) -> tuple:
    client = signed_in(cast.member)
    totp = enable_totp(client)
    client.post("/account/security/recovery-codes/done")
    return client, totp


def test_security_opens_the_reset_in_a_dialog_that_says_what_happens(signed_in, cast):
    client, _totp = with_mfa(signed_in, cast)
    response = client.get("/account/security")
    assert history(response) == ["GET /me/mfa"]
    html = response.content.decode()
    opener = re.search(r'<button type="button"[^>]*commandfor="reset-dialog"[^>]*>Reset MFA</button>', html)
    assert opener and 'command="show-modal"' in opener.group(0)
    assert f'<noscript><a class="btn btn-outline-danger" href="{RESET}">Reset MFA</a></noscript>' in html
    dialog = html[html.index('<dialog class="console-dialog console-dialog-wide" id="reset-dialog"') :]
    dialog = dialog[: dialog.index("</dialog>")]
    assert '<form id="reset-form"' in dialog and f'hx-post="{RESET}"' in dialog
    words = " ".join(re.sub(r"<[^>]+>", " ", dialog).split())
    assert "Reset multi-factor authentication?" in words
    assert "recovery codes and your trusted devices stop working, and every sign-in ends, this one included" in words
    assert "Cancel Reset MFA and sign out" in words and "(optional)" not in words
    # Nothing posts "Reset MFA and sign out" outside the dialog any more.
    assert html.count("Reset MFA and sign out") == 1


def test_the_confirmation_page_without_javascript(signed_in, cast):
    client, _totp = with_mfa(signed_in, cast)
    response = client.get(RESET)
    assert response.status_code == 200 and history(response) == ["GET /me/mfa"]
    text = text_of(response)
    assert "Reset multi-factor authentication?" in text and "Password or authentication code" in text
    assert 'aria-current="page">Security' in response.content.decode()
    assert tokens_of(client) is not None  # showing it changes nothing


def test_the_confirmation_page_with_nothing_to_reset_goes_back_to_security(signed_in, cast):
    response = signed_in(cast.member).get(RESET)
    assert response.status_code == 302 and response["Location"] == "/account/security"


def test_the_confirmation_says_when_the_organization_requires_mfa(signed_in, cast):
    from localplatform.identity.services import directory

    client, _totp = with_mfa(signed_in, cast)
    directory.update_settings(cast.org, by=cast.owner.member, require_mfa=True)
    assert "your organization asks you to set up MFA again straight away" in text_of(client.get(RESET))


def test_reset_with_a_code_sends_the_code_and_signs_out(signed_in, cast):
    client, totp = with_mfa(signed_in, cast)
    with faults(lambda request: None) as transport:
        response = client.post(RESET, {"reset-password": other_code(totp)})
    posted = [json.loads(r.content) for r in transport.requests if r.url.path.endswith("/me/mfa/reset")]
    assert posted == [{"code": other_code(totp)}]
    assert response.status_code == 302 and response["Location"] == "/sign-in" and tokens_of(client) is None
    assert sign_in(client, cast.member)["Location"] == "/"  # no MFA any more


def test_reset_with_the_password_sends_the_password(signed_in, cast):
    client, _totp = with_mfa(signed_in, cast)
    with faults(lambda request: None) as transport:
        response = client.post(RESET, {"reset-password": cast.member.password})
    posted = [json.loads(r.content) for r in transport.requests if r.url.path.endswith("/me/mfa/reset")]
    assert posted == [{"password": cast.member.password}]
    assert response["Location"] == "/sign-in" and tokens_of(client) is None


def test_an_empty_proof_is_refused_without_a_reset_call(signed_in, cast):
    client, _totp = with_mfa(signed_in, cast)
    response = client.post(RESET, {"reset-password": ""})
    assert response.status_code == 422 and history(response) == ["GET /me/mfa"]
    assert response.context["reset_form"].errors["password"] == [
        "Enter your current password or an authentication code."
    ]


def test_a_wrong_password_is_said_plainly_and_never_echoed(signed_in, cast):
    client, _totp = with_mfa(signed_in, cast)
    response = client.post(RESET, {"reset-password": "not-my-password"})
    assert response.context["reset_form"].errors["password"] == ["That password is not correct."]
    assert b"not-my-password" not in response.content and tokens_of(client) is not None


def test_a_refused_plain_post_comes_back_to_the_confirmation_page_not_a_closed_dialog(signed_in, cast):
    client, _totp = with_mfa(signed_in, cast)
    response = client.post(RESET, {"reset-password": "not-my-password"})
    assert response.status_code == 422
    assert response.templates[0].name == "console/account/mfa_reset.html"
    html = response.content.decode()
    assert "<dialog" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'id="id_reset-password_error"' in html


def test_a_pending_setup_is_cancelled_with_the_password_only(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/account/security/totp/start")
    secret = client.session["account.totp_setup"]["secret"]
    security = text_of(client.get("/account/security"))
    assert "Cancel the pending setup?" in security and "Keep it Cancel the setup and sign out" in security
    page = client.get(RESET)
    assert "Current password" in text_of(page) and "authentication code" not in text_of(page).lower()
    code = client.post(RESET, {"reset-password": pyotp.TOTP(secret).now()})  # a code cannot cancel it
    assert code.status_code == 422 and code.context["reset_form"].errors["password"]
    response = client.post(RESET, {"reset-password": cast.member.password})
    assert response["Location"] == "/sign-in" and tokens_of(client) is None


def test_reset_needs_sign_in(client, db):
    for method in (client.get, client.post):
        response = method(RESET)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in")
