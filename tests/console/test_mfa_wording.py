"""MFA wording (issue 15): one field at the MFA step, one sentence for a wrong code everywhere, a copyable setup key."""

import json
import re

import httpx
import pytest

from console.forms.auth import WRONG_CODE, WRONG_RECOVERY_CODE
from tests.client.support import error_response, faults, on
from tests.console.accounts_support import enable_totp
from tests.console.test_mfa import mfa_challenge


def no_call(request):
    raise AssertionError(f"no platform call expected: {request.method} {request.url.path}")


def totp_only_challenge(client, cast) -> None:
    """A sign-in stopped at the MFA step of an account without recovery codes left."""
    challenge = {"mfaRequired": True, "mfaToken": "mfa-token-text", "methods": ["totp"], "expiresIn": 300}
    with faults(on("/auth/login", httpx.Response(200, json=challenge))):
        client.post("/sign-in", {"email": cast.member.email, "password": cast.member.password})


def label_of(html: str, field_id: str) -> str:
    match = re.search(rf'<label class="form-label" for="{field_id}">(.*?)</label>', html, re.S)
    assert match, f"no label for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_the_mfa_step_asks_for_one_code_that_is_not_optional(client, cast):
    mfa_challenge(client, cast)
    html = client.get("/sign-in/mfa").content.decode()
    assert label_of(html, "id_code") == "Authentication code or recovery code"
    assert "(optional)" not in html and 'name="recovery_code"' not in html
    assert "or one of your recovery codes (each works once)" in html
    assert re.search(r'<input type="text" name="code"[^>]*required', html)
    assert 'aria-describedby="id_code_help"' in html


def test_without_recovery_codes_the_step_asks_for_the_app_code_only(client, cast):
    totp_only_challenge(client, cast)
    html = client.get("/sign-in/mfa").content.decode()
    assert label_of(html, "id_code") == "Authentication code" and 'inputmode="numeric"' in html
    with faults(no_call):
        response = client.post("/sign-in/mfa", {"code": "1234-5678"})
    assert response.status_code == 422 and response.context["form"].errors["code"] == ["Enter the 6-digit code."]


@pytest.mark.parametrize(
    ("typed", "sent", "error"),
    [
        ("123456", {"code": "123456"}, WRONG_CODE),
        (" 123 456 ", {"code": "123456"}, WRONG_CODE),  # as an app shows it
        ("1234-5678", {"recoveryCode": "1234-5678"}, WRONG_RECOVERY_CODE),
        ("ABCD-1234", {"recoveryCode": "abcd-1234"}, WRONG_RECOVERY_CODE),
    ],
)
def test_six_digits_are_an_app_code_anything_else_a_recovery_code(client, cast, typed, sent, error):
    mfa_challenge(client, cast)
    bodies = []

    def refuse(request):
        bodies.append(json.loads(request.content))
        return error_response(401, "invalid_mfa_code", "The code is incorrect.")

    with faults(on("/auth/login/mfa", refuse)):
        response = client.post("/sign-in/mfa", {"code": typed})
    assert [{key: body[key] for key in ("code", "recoveryCode") if key in body} for body in bodies] == [sent]
    assert response.status_code == 422 and response.context["form"].errors["code"] == [error]
    assert client.session["signin.mfa"]["token"] == "mfa-token-text"  # the step can be tried again


def test_a_wrong_code_reads_the_same_at_setup_sign_in_new_codes_and_reset(client, cast):
    client.post("/sign-in", {"email": cast.member.email, "password": cast.member.password})
    client.post("/account/security/totp/start")
    setup = client.post("/account/security/totp", {"code": "000000"})
    assert setup.context["form"].errors["code"] == [WRONG_CODE]
    enable_totp(client)
    regenerate = client.post("/account/security/recovery-codes/regenerate", {"regenerate-code": "000000"})
    assert regenerate.context["regenerate_form"].errors["code"] == [WRONG_CODE]
    reset = client.post("/account/security/mfa/reset", {"reset-password": "000000"})
    assert reset.context["reset_form"].errors["password"] == [WRONG_CODE]
    client.post("/sign-out")
    client.post("/sign-in", {"email": cast.member.email, "password": cast.member.password})
    sign_in = client.post("/sign-in/mfa", {"code": "000000"})
    assert sign_in.context["form"].errors["code"] == [WRONG_CODE]
    for response in (setup, regenerate, reset, sign_in):
        assert WRONG_CODE in response.content.decode()


def test_the_setup_key_has_a_copy_button_and_the_code_field_says_what_it_is(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/account/security/totp/start")
    html = client.get("/account/security/totp").content.decode()
    secret = client.session["account.totp_setup"]["secret"]
    assert f'<code class="totp-secret" id="totp-secret" data-testid="totp-secret">{secret}</code>' in html
    assert re.search(r'<button type="button"[^>]*data-copy-target="totp-secret"[^>]*>Copy<', html)
    assert label_of(html, "id_code") == "Authentication code"
    assert 'aria-current="page">Security' in html  # way back: My account's Security tab
