"""TOTP enrollment, the MFA login step, recovery codes, trusted devices and MFA reset (contract §3.1.4, §3.8)."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from django.utils import timezone

from localplatform.accounts.models import MfaChallenge, PendingTotp, TrustedDevice
from localplatform.identity.models import Login, User
from tests.conftest import PASSWORD, bearer
from tests.localplatform.account_support import enroll, totp_code
from tests.localplatform.helpers import assert_error, ok

CREDENTIALS = {"email": "member@acme.test", "password": PASSWORD}


def challenge(api, **extra) -> dict:
    body = ok(api.post("/auth/login", json={**CREDENTIALS, **extra}))
    assert body["mfaRequired"] is True, body
    return body


def test_enrollment_gives_a_secret_and_confirmation_turns_mfa_on(cast, api, login):
    headers = bearer(login(cast.member)["accessToken"])
    status = ok(api.get("/me/mfa", headers=headers))
    assert status == {
        "enabled": False,
        "methods": [],
        "totpConfirmedAt": None,
        "recoveryCodesRemaining": 0,
        "enrollmentPending": False,
        "required": False,
    }
    started = ok(api.post("/me/mfa/totp", headers=headers), 201)
    secret = started["secret"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    uri = urlparse(started["otpauthUri"])
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/LakeSail:member@acme.test")
    assert parse_qs(uri.query) == {
        "secret": [secret],
        "issuer": ["LakeSail"],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
    }
    assert ok(api.get("/me/mfa", headers=headers))["enrollmentPending"] is True
    wrong = api.post(
        "/me/mfa/totp/confirm", json={"code": "000000" if totp_code(secret) != "000000" else "111111"}, headers=headers
    )
    assert "code" in assert_error(wrong, 422, "validation_failed")["details"]["fieldErrors"]
    assert_error(api.post("/me/mfa/totp/confirm", json={"code": "12"}, headers=headers), 422, "validation_failed")
    confirmed = ok(api.post("/me/mfa/totp/confirm", json={"code": totp_code(secret)}, headers=headers))
    codes = confirmed["recoveryCodes"]
    assert (
        len(codes) == 10 and len(set(codes)) == 10 and all(re.fullmatch(r"[a-z0-9]{4}-[a-z0-9]{4}", c) for c in codes)
    )
    assert confirmed["mfa"]["enabled"] and confirmed["mfa"]["methods"] == ["totp"]
    assert confirmed["mfa"]["recoveryCodesRemaining"] == 10 and confirmed["mfa"]["totpConfirmedAt"]
    assert User.objects.get(pk=cast.member.user.pk).mfa_enabled
    assert_error(api.post("/me/mfa/totp", headers=headers), 409, "invalid_state")
    again = api.post("/me/mfa/totp/confirm", json={"code": totp_code(secret, 1)}, headers=headers)
    assert_error(again, 409, "invalid_state")


def test_confirming_needs_a_live_enrollment(cast, api, login):
    headers = bearer(login(cast.member)["accessToken"])
    assert_error(api.post("/me/mfa/totp/confirm", json={"code": "123456"}, headers=headers), 409, "invalid_state")
    secret = ok(api.post("/me/mfa/totp", headers=headers), 201)["secret"]
    replaced = ok(api.post("/me/mfa/totp", headers=headers), 201)["secret"]
    assert replaced != secret
    PendingTotp.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.post("/me/mfa/totp/confirm", json={"code": totp_code(replaced)}, headers=headers)
    assert_error(expired, 409, "invalid_state")
    assert_error(api.get("/me/mfa"), 401, "unauthenticated")


def test_login_with_mfa_asks_for_a_code_and_refuses_wrong_ones(cast, api, login):
    secret, _codes = enroll(api, login(cast.member)["accessToken"])
    body = challenge(api)
    assert body["methods"] == ["totp", "recovery_code"] and body["expiresIn"] == 300
    assert "accessToken" not in body
    wrong = api.post(
        "/auth/login/mfa",
        json={"mfaToken": body["mfaToken"], "code": "000000" if totp_code(secret, 1) != "000000" else "111111"},
    )
    assert_error(wrong, 401, "invalid_mfa_code")
    tokens = ok(api.post("/auth/login/mfa", json={"mfaToken": body["mfaToken"], "code": totp_code(secret, 1)}))
    assert "trustedDeviceToken" not in tokens
    ok(api.get("/me", headers=bearer(tokens["accessToken"])))
    assert Login.objects.filter(user=cast.member.user, mfa=True).count() == 1
    used = api.post("/auth/login/mfa", json={"mfaToken": body["mfaToken"], "code": totp_code(secret, -1)})
    assert_error(used, 401, "invalid_token")


def test_the_mfa_step_validates_its_input(cast, api, login):
    enroll(api, login(cast.member)["accessToken"])
    token = challenge(api)["mfaToken"]
    both = api.post("/auth/login/mfa", json={"mfaToken": token, "code": "123456", "recoveryCode": "abcd-efgh"})
    assert_error(both, 422, "validation_failed")
    assert_error(api.post("/auth/login/mfa", json={"mfaToken": token}), 422, "validation_failed")
    assert_error(api.post("/auth/login/mfa", json={"mfaToken": token, "code": "abc"}), 422, "validation_failed")
    assert_error(api.post("/auth/login/mfa", json={"mfaToken": "unknown", "code": "123456"}), 401, "invalid_token")


def test_five_wrong_codes_burn_the_mfa_token_and_it_expires(cast, api, login):
    secret, _ = enroll(api, login(cast.member)["accessToken"])
    token = challenge(api)["mfaToken"]
    for _ in range(5):
        assert_error(
            api.post("/auth/login/mfa", json={"mfaToken": token, "recoveryCode": "zzzz-zzzz"}), 401, "invalid_mfa_code"
        )
    burned = api.post("/auth/login/mfa", json={"mfaToken": token, "code": totp_code(secret, 1)})
    assert_error(burned, 401, "invalid_token")
    token = challenge(api)["mfaToken"]
    MfaChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(
        api.post("/auth/login/mfa", json={"mfaToken": token, "code": totp_code(secret, 1)}), 401, "invalid_token"
    )


def test_failed_mfa_steps_are_throttled_per_ip_and_token(cast, api, login):
    secret, _ = enroll(api, login(cast.member)["accessToken"])
    for _ in range(10):
        api.post("/auth/login/mfa", json={"mfaToken": "guess", "code": "123456"})
    response = api.post("/auth/login/mfa", json={"mfaToken": "guess", "code": "123456"})
    assert_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"]
    token = challenge(api)["mfaToken"]  # another token is not affected
    ok(api.post("/auth/login/mfa", json={"mfaToken": token, "code": totp_code(secret, 1)}))


def test_a_recovery_code_works_once(cast, api, login):
    _, codes = enroll(api, login(cast.member)["accessToken"])
    tokens = ok(api.post("/auth/login/mfa", json={"mfaToken": challenge(api)["mfaToken"], "recoveryCode": codes[0]}))
    assert ok(api.get("/me/mfa", headers=bearer(tokens["accessToken"])))["recoveryCodesRemaining"] == 9
    again = api.post("/auth/login/mfa", json={"mfaToken": challenge(api)["mfaToken"], "recoveryCode": codes[0]})
    assert_error(again, 401, "invalid_mfa_code")
    # The dash is optional.
    ok(
        api.post(
            "/auth/login/mfa", json={"mfaToken": challenge(api)["mfaToken"], "recoveryCode": codes[1].replace("-", "")}
        )
    )


def test_a_trusted_device_skips_mfa_until_revoked_or_expired(cast, api, login):
    secret, _ = enroll(api, login(cast.member)["accessToken"])
    body = {"mfaToken": challenge(api)["mfaToken"], "code": totp_code(secret, 1), "trustDevice": True}
    tokens = ok(api.post("/auth/login/mfa", json=body))
    device_token = tokens["trustedDeviceToken"]
    device = TrustedDevice.objects.get(user=cast.member.user)
    assert device.expires_at - timezone.now() > timedelta(days=29)  # Acme's trustedDeviceLifetimeDays: 30
    headers = bearer(tokens["accessToken"])
    devices = ok(api.get("/me/trusted-devices", headers=headers))["items"]
    assert [d["id"] for d in devices] == [device.id] and devices[0]["name"]
    skipped = ok(api.post("/auth/login", json={**CREDENTIALS, "trustedDeviceToken": device_token}))
    assert skipped["accessToken"] and "mfaRequired" not in skipped
    # Someone else's device token does not help.
    other = ok(
        api.post(
            "/auth/login", json={"email": "admin@acme.test", "password": PASSWORD, "trustedDeviceToken": device_token}
        )
    )
    assert "accessToken" in other  # admin has no MFA at all
    challenge(api, trustedDeviceToken="not-a-device")
    assert api.delete(f"/me/trusted-devices/{device.id}", headers=headers).status_code == 204
    challenge(api, trustedDeviceToken=device_token)
    assert_error(api.delete(f"/me/trusted-devices/{device.id}", headers=headers), 404, "not_found")
    assert_error(api.get("/me/trusted-devices"), 401, "unauthenticated")


def test_an_expired_trusted_device_asks_for_mfa_again(cast, api, login):
    secret, _ = enroll(api, login(cast.member)["accessToken"])
    body = {
        "mfaToken": challenge(api)["mfaToken"],
        "code": totp_code(secret, 1),
        "trustDevice": True,
        "deviceName": "Work laptop",
    }
    tokens = ok(api.post("/auth/login/mfa", json=body))
    assert TrustedDevice.objects.get().name == "Work laptop"
    TrustedDevice.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    challenge(api, trustedDeviceToken=tokens["trustedDeviceToken"])
    assert ok(api.get("/me/trusted-devices", headers=bearer(tokens["accessToken"])))["items"] == []


def test_someone_elses_trusted_device_cannot_be_revoked(cast, api, login):
    secret, _ = enroll(api, login(cast.member)["accessToken"])
    ok(
        api.post(
            "/auth/login/mfa",
            json={"mfaToken": challenge(api)["mfaToken"], "code": totp_code(secret, 1), "trustDevice": True},
        )
    )
    device = TrustedDevice.objects.get()
    admin = bearer(login(cast.admin)["accessToken"])
    assert_error(api.delete(f"/me/trusted-devices/{device.id}", headers=admin), 404, "not_found")


def test_code_login_applies_mfa_too(cast, api, login):
    from django.core import mail

    from tests.localplatform.account_support import last_mail, login_code

    secret, _ = enroll(api, login(cast.member)["accessToken"])
    assert api.post("/auth/login/code", json={"email": "member@acme.test"}).status_code == 204
    code = login_code(last_mail("member@acme.test"))
    body = ok(api.post("/auth/login/code/verify", json={"email": "member@acme.test", "code": code}))
    assert body["mfaRequired"] is True
    ok(api.post("/auth/login/mfa", json={"mfaToken": body["mfaToken"], "code": totp_code(secret, 1)}))
    assert Login.objects.filter(user=cast.member.user, method="code", mfa=True).exists()
    assert mail.outbox


def test_regenerating_recovery_codes_replaces_the_old_ones(cast, api, login):
    tokens = login(cast.member)
    headers = bearer(tokens["accessToken"])
    assert_error(api.post("/me/mfa/recovery-codes", json={"code": "123456"}, headers=headers), 409, "invalid_state")
    secret, old = enroll(api, tokens["accessToken"])
    wrong = api.post(
        "/me/mfa/recovery-codes",
        json={"code": "000000" if totp_code(secret, 1) != "000000" else "111111"},
        headers=headers,
    )
    assert "code" in assert_error(wrong, 422, "validation_failed")["details"]["fieldErrors"]
    new = ok(api.post("/me/mfa/recovery-codes", json={"code": totp_code(secret, 1)}, headers=headers))["recoveryCodes"]
    assert len(new) == 10 and not set(new) & set(old)
    refused = api.post("/auth/login/mfa", json={"mfaToken": challenge(api)["mfaToken"], "recoveryCode": old[0]})
    assert_error(refused, 401, "invalid_mfa_code")
    ok(api.post("/auth/login/mfa", json={"mfaToken": challenge(api)["mfaToken"], "recoveryCode": new[0]}))


def test_reset_my_mfa_needs_proof_and_ends_every_login(cast, api, login):
    tokens = login(cast.member)
    headers = bearer(tokens["accessToken"])
    assert_error(api.post("/me/mfa/reset", json={"password": PASSWORD}, headers=headers), 409, "invalid_state")
    secret, _ = enroll(api, tokens["accessToken"])
    ok(
        api.post(
            "/auth/login/mfa",
            json={"mfaToken": challenge(api)["mfaToken"], "code": totp_code(secret, 1), "trustDevice": True},
        )
    )
    assert_error(api.post("/me/mfa/reset", json={}, headers=headers), 422, "validation_failed")
    both = api.post("/me/mfa/reset", json={"password": PASSWORD, "code": "123456"}, headers=headers)
    assert_error(both, 422, "validation_failed")
    wrong = api.post("/me/mfa/reset", json={"password": "not-it"}, headers=headers)
    assert assert_error(wrong, 422, "validation_failed")["details"]["fieldErrors"] == {"password": "incorrect"}
    assert api.post("/me/mfa/reset", json={"password": PASSWORD}, headers=headers).status_code == 204
    assert_error(api.get("/me", headers=headers), 401, "invalid_token")
    assert not User.objects.get(pk=cast.member.user.pk).mfa_enabled
    assert not TrustedDevice.objects.exists()
    assert "accessToken" in ok(api.post("/auth/login", json=CREDENTIALS))


def test_reset_my_mfa_with_a_totp_code(cast, api, login):
    tokens = login(cast.member)
    secret, _ = enroll(api, tokens["accessToken"])
    headers = bearer(tokens["accessToken"])
    assert api.post("/me/mfa/reset", json={"code": totp_code(secret, 1)}, headers=headers).status_code == 204
    assert "accessToken" in ok(api.post("/auth/login", json=CREDENTIALS))
