"""POST /auth/login (§3.1.3) and its rate limit (§1.6)."""

from types import SimpleNamespace

import httpx
import pytest

from localplatform.api import throttle
from localplatform.errors import PlatformError
from localplatform.identity.models import Login, Member, User
from localplatform.identity.services import directory, members
from tests.conftest import PASSWORD, bearer
from tests.localplatform.helpers import assert_error, ok


def post_login(api, email, password=PASSWORD, **extra):
    return api.post("/auth/login", json={"email": email, "password": password, **extra})


def test_login_returns_tokens_for_the_last_used_organization(cast, api):
    body = ok(post_login(api, cast.member.email))
    assert body["tokenType"] == "Bearer"
    assert body["expiresIn"] == 900
    assert body["organizationId"] == cast.org.id
    assert body["mfaEnrollmentRequired"] is False
    assert "trustedDeviceToken" not in body
    login = Login.objects.get(user=cast.member.user)
    assert login.method == "password"
    assert login.user_agent == "pytest"
    me = ok(api.get("/me", headers=bearer(body["accessToken"])))
    assert me["user"]["email"] == "member@acme.test"


def test_email_is_trimmed_and_case_insensitive(cast, api):
    ok(post_login(api, "  Member@ACME.test "))


def test_wrong_password_is_invalid_credentials(cast, api):
    body = assert_error(post_login(api, cast.member.email, "wrong-password-1"), 401, "invalid_credentials")
    assert body["errorType"] == "authentication"
    assert body["details"]["retryable"] is False


def test_unknown_email_gets_the_same_answer_and_still_hashes(cast, api, monkeypatch):
    hashed = []
    original = User.set_password
    monkeypatch.setattr(User, "set_password", lambda self, raw: hashed.append(raw) or original(self, raw))
    wrong = assert_error(post_login(api, cast.member.email, "wrong-password-1"), 401, "invalid_credentials")
    unknown = assert_error(post_login(api, "nobody@acme.test", "wrong-password-1"), 401, "invalid_credentials")
    assert unknown["message"] == wrong["message"]
    assert hashed == ["wrong-password-1"]  # the unknown email ran the hasher too


def test_unverified_email_is_refused(cast, api):
    User.objects.filter(pk=cast.member.user.pk).update(email_verified=False)
    assert_error(post_login(api, cast.member.email), 403, "email_not_verified")


def test_disabled_user_is_refused(cast, api):
    User.objects.filter(pk=cast.member.user.pk).update(status=User.DISABLED)
    assert_error(post_login(api, cast.member.email), 403, "account_disabled")


def test_wrong_password_of_a_disabled_user_is_still_invalid_credentials(cast, api):
    User.objects.filter(pk=cast.member.user.pk).update(status=User.DISABLED)
    assert_error(post_login(api, cast.member.email, "wrong-password-1"), 401, "invalid_credentials")


def test_organization_id_names_the_organization_to_enter(cast, api):
    directory.add_member(cast.other_org, cast.member.user)
    body = ok(post_login(api, cast.member.email, organizationId=cast.other_org.id))
    assert body["organizationId"] == cast.other_org.id
    # The organization used last is the default for the next login.
    assert ok(post_login(api, cast.member.email))["organizationId"] == cast.other_org.id


def test_organization_id_of_another_organization_is_denied(cast, api):
    assert_error(
        post_login(api, cast.member.email, organizationId=cast.other_org.id), 403, "organization_access_denied"
    )
    assert_error(post_login(api, cast.member.email, organizationId="NOSUCHORG1"), 403, "organization_access_denied")


def test_deactivated_membership_in_the_target_organization_is_refused(cast, api):
    members.deactivate_member(cast.member.member)
    assert_error(post_login(api, cast.member.email, organizationId=cast.org.id), 403, "account_disabled")


def test_default_organization_skips_a_deactivated_last_used_one(cast, api):
    directory.add_member(cast.other_org, cast.member.user)
    User.objects.filter(pk=cast.member.user.pk).update(last_organization=cast.org)
    members.deactivate_member(cast.member.member)
    assert ok(post_login(api, cast.member.email))["organizationId"] == cast.other_org.id


def test_user_without_memberships_logs_in_without_organization(cast, api):
    Member.objects.filter(user=cast.member.user).delete()
    body = ok(post_login(api, cast.member.email))
    assert body["organizationId"] is None
    headers = bearer(body["accessToken"])
    me = ok(api.get("/me", headers=headers))
    assert me["organization"] is None and me["member"] is None and me["organizations"] == []
    assert_error(api.get("/org/members", headers=headers), 403, "organization_access_denied")


def test_missing_field_is_a_validation_error(cast, api):
    body = assert_error(api.post("/auth/login", json={"email": cast.member.email}), 422, "validation_failed")
    assert body["details"]["fieldErrors"] == {"password": "required"}


def test_unknown_field_is_a_validation_error(cast, api):
    response = post_login(api, cast.member.email, rememberMe=True)
    body = assert_error(response, 422, "validation_failed")
    assert body["details"]["fieldErrors"] == {"rememberMe": "unknown field"}


def test_malformed_organization_id_is_a_validation_error(cast, api):
    body = assert_error(post_login(api, cast.member.email, organizationId="acme"), 422, "validation_failed")
    assert "organizationId" in body["details"]["fieldErrors"]


def test_an_authorization_header_is_ignored(cast, api):
    response = api.post(
        "/auth/login", json={"email": cast.member.email, "password": PASSWORD}, headers=bearer("garbage")
    )
    ok(response)


class TestThrottle:
    def fail(self, api, email="member@acme.test", times=1):
        for _ in range(times):
            assert_error(post_login(api, email, "wrong-password-1"), 401, "invalid_credentials")

    def test_ten_failures_a_minute_then_429_with_retry_after(self, cast, api):
        self.fail(api, times=10)
        response = post_login(api, cast.member.email)  # even the right password
        body = assert_error(response, 429, "rate_limited")
        assert body["errorType"] == "rate_limited"
        assert body["details"]["retryable"] is True
        retry_after = body["details"]["retryAfter"]
        assert 1 <= retry_after <= 60
        assert response.headers["Retry-After"] == str(retry_after)

    def test_limit_is_per_ip_and_email(self, cast, api):
        from tests.embedded import SharedConnectionTransport

        self.fail(api, times=10)
        assert_error(post_login(api, cast.member.email), 429, "rate_limited")
        ok(post_login(api, cast.admin.email))  # another email from the same IP
        transport = SharedConnectionTransport(remote_addr="10.1.2.3")
        with httpx.Client(transport=transport, base_url="http://testserver/api/v1") as elsewhere:
            ok(post_login(elsewhere, cast.member.email))  # the same email from another IP

    def test_successful_logins_are_not_counted(self, cast, api):
        for _ in range(12):
            ok(post_login(api, cast.member.email))

    def test_window_closes_after_a_minute(self, cast, api, monkeypatch):
        now = [1_900_000_000.0]
        monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: now[0]))
        self.fail(api, times=10)
        assert_error(post_login(api, cast.member.email), 429, "rate_limited")
        now[0] += 61
        ok(post_login(api, cast.member.email))


@pytest.mark.parametrize(("limit", "count", "limited"), [(10, 9, False), (10, 10, True)])
def test_limit_counts_exactly(db, limit, count, limited):
    rule = throttle.Limit("test", limit=limit, window=60)
    for _ in range(count):
        rule.count("1.2.3.4", "someone@acme.test")
    if limited:
        with pytest.raises(PlatformError) as raised:
            rule.check("1.2.3.4", "someone@acme.test")
        assert raised.value.code == "rate_limited" and 1 <= raised.value.retry_after <= 60
    else:
        rule.check("1.2.3.4", "someone@acme.test")
    rule.check("1.2.3.4", "other@acme.test")
