"""The requireMfa enrollment gate (contract §1.4, §3.14 requireMfa)."""

from localplatform.identity.models import Organization
from tests.conftest import bearer
from tests.localplatform.account_support import enroll, totp_code
from tests.localplatform.helpers import assert_error, ok


def require_mfa(org: Organization) -> None:
    Organization.objects.filter(pk=org.pk).update(require_mfa=True)


def test_a_login_into_an_organization_requiring_mfa_is_gated_until_enrollment(cast, api, login):
    require_mfa(cast.org)
    tokens = login(cast.member)
    assert tokens["mfaEnrollmentRequired"] is True
    headers = bearer(tokens["accessToken"])
    for path in ("/org/settings", "/me/logins", "/me/emails", "/auth/permissions"):
        assert_error(api.get(path, headers=headers), 403, "mfa_enrollment_required")
    assert_error(api.patch("/me", json={"givenName": "X"}, headers=headers), 403, "mfa_enrollment_required")
    ok(api.get("/me", headers=headers))
    assert ok(api.get("/me/mfa", headers=headers))["required"] is True
    # The gate survives a refresh.
    refreshed = ok(api.post("/auth/token/refresh", json={"refreshToken": tokens["refreshToken"]}))
    assert refreshed["mfaEnrollmentRequired"] is True
    headers = bearer(refreshed["accessToken"])
    assert_error(api.get("/org/settings", headers=headers), 403, "mfa_enrollment_required")
    secret = ok(api.post("/me/mfa/totp", headers=headers), 201)["secret"]
    ok(api.post("/me/mfa/totp/confirm", json={"code": totp_code(secret)}, headers=headers))
    ok(api.get("/org/settings", headers=headers))  # lifted at once for the current login
    again = ok(api.post("/auth/token/refresh", json={"refreshToken": refreshed["refreshToken"]}))
    assert again["mfaEnrollmentRequired"] is False
    assert api.post("/auth/logout", headers=bearer(again["accessToken"])).status_code == 204


def test_logout_is_allowed_while_gated(cast, api, login):
    require_mfa(cast.org)
    tokens = login(cast.member)
    assert api.post("/auth/logout", headers=bearer(tokens["accessToken"])).status_code == 204


def test_enrolled_users_and_other_organizations_are_not_gated(cast, api, login):
    secret, _ = enroll(api, login(cast.member)["accessToken"])
    require_mfa(cast.org)
    challenge = ok(api.post("/auth/login", json={"email": "member@acme.test", "password": cast.member.password}))
    tokens = ok(api.post("/auth/login/mfa", json={"mfaToken": challenge["mfaToken"], "code": totp_code(secret, 1)}))
    assert tokens["mfaEnrollmentRequired"] is False
    outsider = login(cast.outsider)
    assert outsider["mfaEnrollmentRequired"] is False
    ok(api.get("/org/settings", headers=bearer(outsider["accessToken"])))


def test_an_organization_header_requiring_mfa_gates_the_request(cast, api, login):
    from localplatform.identity.services import directory

    directory.add_member(cast.other_org, cast.member.user)
    require_mfa(cast.other_org)
    tokens = login(cast.member, organizationId=cast.org.id)
    headers = bearer(tokens["accessToken"])
    ok(api.get("/org/settings", headers=headers))
    gated = api.get("/org/settings", headers={**headers, "LakeSail-Organization-Id": cast.other_org.id})
    assert_error(gated, 403, "mfa_enrollment_required")
    # A refresh into that organization re-decides the gate for the login.
    moved = ok(
        api.post(
            "/auth/token/refresh", json={"refreshToken": tokens["refreshToken"], "organizationId": cast.other_org.id}
        )
    )
    assert moved["mfaEnrollmentRequired"] is True
    assert_error(api.get("/org/settings", headers=bearer(moved["accessToken"])), 403, "mfa_enrollment_required")
