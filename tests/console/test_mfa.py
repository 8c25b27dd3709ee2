"""MFA: TOTP setup (server-drawn QR code), recovery codes, the MFA sign-in step, trusted devices, reset, enrollment."""

import re

import httpx

from console.forms.auth import WRONG_CODE
from localplatform.identity.services import directory
from tests.client.support import assert_kept, error_response, faults, on, writes_fail
from tests.console.accounts_support import enable_totp, other_code
from tests.console.conftest import sign_in, tokens_of


def history(response) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def test_security_page_offers_setup_with_one_call(signed_in, cast):
    response = signed_in(cast.member).get("/account/security")
    assert response.status_code == 200
    assert history(response) == ["GET /me/mfa"]
    html = response.content.decode()
    assert "Set up authenticator app" in html and 'action="/account/security/totp/start"' in html


def test_totp_setup_shows_a_server_drawn_qr_code_and_the_key(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/account/security/totp/start")
    page = client.get("/account/security/totp")
    secret = client.session["account.totp_setup"]["secret"]
    html = page.content.decode()
    assert secret in html and 'src="/account/security/totp/qr.svg"' in html
    assert "style=" not in html.split("<main", 1)[1]
    qr = client.get("/account/security/totp/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content and b"style=" not in qr.content
    assert "no-store" in qr["Cache-Control"]


def test_wrong_confirmation_code_is_shown_at_the_field(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/account/security/totp/start")
    response = client.post("/account/security/totp", {"code": "000000"})
    assert response.status_code == 422 and response.context["form"].errors["code"]
    assert 'value="000000"' in response.content.decode()


def test_confirming_shows_ten_recovery_codes_once_with_a_download(signed_in, cast):
    client = signed_in(cast.member)
    enable_totp(client)
    page = client.get("/account/security/recovery-codes")
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page.content.decode())
    assert len(codes) == 10
    download = client.get("/account/security/recovery-codes.txt")
    assert download["Content-Disposition"] == 'attachment; filename="lakesail-recovery-codes.txt"'
    assert all(code in download.content.decode() for code in codes)
    client.post("/account/security/recovery-codes/done")
    assert client.get("/account/security/recovery-codes")["Location"] == "/account/security"
    assert client.get("/account/security/recovery-codes.txt")["Location"] == "/account/security"
    assert "10</strong> recovery codes left" in client.get("/account/security").content.decode()


def test_setup_page_without_a_pending_setup(signed_in, cast):
    client = signed_in(cast.member)
    assert client.get("/account/security/totp")["Location"] == "/account/security"
    assert client.get("/account/security/totp/qr.svg").status_code == 404


def test_setup_when_already_enabled_is_explained(signed_in, cast):
    client = signed_in(cast.member)
    enable_totp(client)
    response = client.post("/account/security/totp/start", follow=True)
    assert response.redirect_chain[-1][0] == "/account/security"


def test_sign_in_with_totp_and_trust_this_device(client, cast):
    sign_in(client, cast.member)
    totp = enable_totp(client)
    client.post("/sign-out")
    response = sign_in(client, cast.member)
    assert response["Location"] == "/sign-in/mfa" and tokens_of(client) is None
    wrong = client.post("/sign-in/mfa", {"code": "000000"})
    assert wrong.context["form"].errors["code"] == [WRONG_CODE]
    done = client.post("/sign-in/mfa", {"code": other_code(totp), "trust_device": "on"})
    assert done.status_code == 302 and done["Location"] == "/"
    cookie = done.cookies["lakesail_trusted_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 86400
    client.post("/sign-out")
    again = sign_in(client, cast.member)
    assert again.status_code == 302 and again["Location"] == "/"  # no MFA step on a trusted device
    devices = client.get("/account/devices")
    assert devices.status_code == 200 and "Revoke" in devices.content.decode()


def test_recovery_code_works_once(client, cast):
    sign_in(client, cast.member)
    enable_totp(client)
    code = client.session["account.recovery_codes"]["codes"][0]
    client.post("/sign-out")
    sign_in(client, cast.member)
    assert client.post("/sign-in/mfa", {"code": code})["Location"] == "/"
    client.post("/sign-out")
    sign_in(client, cast.member)
    refused = client.post("/sign-in/mfa", {"code": code})
    assert refused.context["form"].errors["code"] == ["That recovery code is not valid or was used before."]


def test_mfa_step_needs_a_code(client, cast):
    sign_in(client, cast.member)
    enable_totp(client)
    client.post("/sign-out")
    sign_in(client, cast.member)
    with faults(lambda request: (_ for _ in ()).throw(AssertionError("no call"))):
        neither = client.post("/sign-in/mfa", {"code": "  "})
    assert neither.status_code == 422
    assert neither.context["form"].errors["code"] == ["Enter the code from your authenticator app or a recovery code."]


def test_mfa_step_without_a_challenge_goes_to_sign_in(client, db):
    assert client.get("/sign-in/mfa")["Location"] == "/sign-in"


def test_burned_mfa_token_starts_over(client, cast):
    sign_in(client, cast.member)
    enable_totp(client)
    client.post("/sign-out")
    sign_in(client, cast.member)
    with faults(on("/auth/login/mfa", error_response(401, "invalid_token"))):
        response = client.post("/sign-in/mfa", {"code": "123456"})
    assert response["Location"] == "/sign-in"
    assert client.get("/sign-in/mfa")["Location"] == "/sign-in"


def test_regenerate_recovery_codes(signed_in, cast):
    client = signed_in(cast.member)
    totp = enable_totp(client)
    old = client.session["account.recovery_codes"]["codes"]
    client.post("/account/security/recovery-codes/done")
    wrong = client.post("/account/security/recovery-codes/regenerate", {"regenerate-code": "000000"})
    assert wrong.status_code == 422 and wrong.context["regenerate_form"].errors["code"]
    response = client.post("/account/security/recovery-codes/regenerate", {"regenerate-code": other_code(totp)})
    assert response["Location"] == "/account/security/recovery-codes"
    assert set(client.session["account.recovery_codes"]["codes"]).isdisjoint(old)


def test_reset_mfa_needs_proof_and_signs_out(signed_in, cast):
    client = signed_in(cast.member)
    enable_totp(client)
    wrong = client.post("/account/security/mfa/reset", {"reset-password": "not-my-password"})
    assert wrong.status_code == 422 and wrong.context["reset_form"].errors["password"]
    assert b"not-my-password" not in wrong.content
    response = client.post("/account/security/mfa/reset", {"reset-password": cast.member.password})
    assert response["Location"] == "/sign-in" and tokens_of(client) is None
    assert sign_in(client, cast.member)["Location"] == "/"  # no MFA any more


def test_forced_enrollment(client, cast):
    directory.update_settings(cast.org, by=cast.owner.member, require_mfa=True)
    response = sign_in(client, cast.member)
    assert response["Location"] == "/account/security/enroll"
    assert client.get("/")["Location"] == "/account/security/enroll"
    assert client.get("/account/emails")["Location"] == "/account/security/enroll"
    page = client.get("/account/security/enroll")
    assert "requires multi-factor authentication" in page.content.decode()
    enable_totp(client)
    assert client.post("/account/security/recovery-codes/done")["Location"] == "/"
    assert client.get("/").status_code == 200


def test_enrollment_gate_from_the_platform_routes_to_setup(client, cast):
    directory.update_settings(cast.org, by=cast.owner.member, require_mfa=True)
    sign_in(client, cast.member)
    session = client.session
    del session["account.mfa_enrollment_required"]  # as if the console had not been told at sign-in
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/account/security/enroll"


def test_security_pages_need_sign_in(client, db):
    for url in ("/account/security", "/account/security/totp", "/account/security/recovery-codes"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in?next=")


def test_security_page_platform_down(signed_in, cast):
    client = signed_in(cast.member)
    with faults(on("/me/mfa", httpx.ConnectError("refused"))):
        assert client.get("/account/security").status_code == 503


def mfa_challenge(client, cast) -> None:
    """A sign-in that stopped at the MFA step (the challenge is a fault: no authenticator is needed)."""
    challenge = {
        "mfaRequired": True,
        "mfaToken": "mfa-token-text",
        "methods": ["totp", "recovery_code"],
        "expiresIn": 300,
    }
    with faults(on("/auth/login", httpx.Response(200, json=challenge))):
        assert sign_in(client, cast.member)["Location"] == "/sign-in/mfa"


def test_mfa_step_keeps_the_code_when_the_platform_fails_on_submit(client, cast):
    mfa_challenge(client, cast)
    with faults(on("/auth/login/mfa", httpx.ConnectError("refused"))):
        response = client.post("/sign-in/mfa", {"code": "abcd-1234", "trust_device": "on"})
    assert response.status_code == 422
    assert_kept(response, {"code": "abcd-1234"})
    html = response.content.decode()
    assert re.search(r'<input type="checkbox" name="trust_device"[^>]*checked', html)
    assert client.session["signin.mfa"]["token"] == "mfa-token-text"  # the step can be tried again


def test_totp_confirmation_keeps_the_code_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/account/security/totp/start")
    with faults(writes_fail):
        response = client.post("/account/security/totp", {"code": "123456"})
    assert response.status_code == 422
    assert_kept(response, {"code": "123456"})
    assert "account.totp_setup" in client.session  # the same QR code can still be confirmed


def test_regenerate_form_keeps_the_code_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.member)
    enable_totp(client)
    old = client.session["account.recovery_codes"]["codes"]
    with faults(writes_fail):
        response = client.post("/account/security/recovery-codes/regenerate", {"regenerate-code": "123456"})
    assert response.status_code == 422
    assert_kept(response, {"regenerate-code": "123456"})
    assert client.session["account.recovery_codes"]["codes"] == old


def test_reset_form_says_nothing_was_reset_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.member)
    enable_totp(client)
    with faults(writes_fail):
        response = client.post("/account/security/mfa/reset", {"reset-password": "123456"})
    assert response.status_code == 422
    assert_kept(response, {})
    assert 'value="123456"' not in response.content.decode()  # a password input: typed again, by design
    assert tokens_of(client) is not None  # still signed in: nothing was reset


def test_refused_reset_over_htmx_is_the_form_alone(signed_in, cast):
    client = signed_in(cast.member)
    enable_totp(client)
    response = client.post(
        "/account/security/mfa/reset",
        {"reset-password": "not-my-password"},
        headers={"HX-Request": "true", "HX-Target": "reset-form", "HX-Trigger": "reset-form"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="reset-form"') and "<html" not in html
    assert 'id="id_reset-password_error"' in html and "not-my-password" not in html
