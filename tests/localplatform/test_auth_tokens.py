"""Access tokens, organization context, refresh, logout and the permission catalogue (§1.4, §3.1)."""

from datetime import timedelta

from django.utils import timezone

from localplatform.identity.catalog import PERMISSIONS
from localplatform.identity.models import Login, Permission
from localplatform.identity.services import directory, members, tokens
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok

ORG_HEADER = "LakeSail-Organization-Id"


class TestAccessToken:
    def test_no_token_is_unauthenticated(self, cast, api):
        assert_error(api.get("/me"), 401, "unauthenticated")
        assert_error(api.get("/org/members"), 401, "unauthenticated")

    def test_garbage_token_is_invalid(self, cast, api):
        assert_error(api.get("/me", headers=bearer("not-a-token")), 401, "invalid_token")

    def test_wrong_scheme_is_invalid(self, cast, api, login):
        token = login(cast.member)["accessToken"]
        assert_error(api.get("/me", headers={"Authorization": f"Basic {token}"}), 401, "invalid_token")

    def test_expired_token(self, cast, api, login, monkeypatch):
        monkeypatch.setattr(tokens, "ACCESS_TOKEN_SECONDS", -60)
        token = login(cast.member)["accessToken"]
        assert_error(api.get("/me", headers=bearer(token)), 401, "token_expired")

    def test_token_of_a_disabled_user(self, cast, api, login):
        token = login(cast.member)["accessToken"]
        cast.member.user.status = "disabled"
        cast.member.user.save()
        assert_error(api.get("/me", headers=bearer(token)), 403, "account_disabled")


class TestOrganizationHeader:
    def test_header_naming_a_foreign_organization_is_denied(self, cast, api, login):
        headers = {**bearer(login(cast.outsider)["accessToken"]), ORG_HEADER: cast.org.id}
        for path in ("/org/members", "/org/teams", "/org/roles", "/org/settings", "/me"):
            assert_error(api.get(path, headers=headers), 403, "organization_access_denied")

    def test_malformed_header_is_a_bad_request(self, cast, api, login):
        headers = {**bearer(login(cast.member)["accessToken"]), ORG_HEADER: "acme"}
        assert_error(api.get("/org/members", headers=headers), 400, "invalid_request")

    def test_header_selects_another_organization_of_the_caller(self, cast, api, login):
        directory.add_member(cast.other_org, cast.member.user)
        headers = {**bearer(login(cast.member)["accessToken"]), ORG_HEADER: cast.other_org.id}
        emails = [m["email"] for m in ok(api.get("/org/members", headers=headers))["included"]["members"]]
        assert emails == ["member@acme.test", "oscar@globex.test"]

    def test_header_naming_a_deactivated_membership(self, cast, api, login):
        member = directory.add_member(cast.other_org, cast.member.user)
        members.deactivate_member(member)
        headers = {**bearer(login(cast.member)["accessToken"]), ORG_HEADER: cast.other_org.id}
        assert_error(api.get("/org/members", headers=headers), 403, "account_disabled")

    def test_not_organization_scoped_routes_ignore_the_header(self, cast, api, login):
        headers = {**bearer(login(cast.member)["accessToken"]), ORG_HEADER: cast.other_org.id}
        ok(api.get("/auth/permissions", headers=headers))


class TestRefresh:
    def refresh(self, api, refresh_token, **extra):
        return api.post("/auth/token/refresh", json={"refreshToken": refresh_token, **extra})

    def test_rotation_issues_a_new_pair(self, cast, api, login):
        first = login(cast.member)
        second = ok(self.refresh(api, first["refreshToken"]))
        assert second["refreshToken"] != first["refreshToken"]
        assert second["organizationId"] == cast.org.id
        assert "trustedDeviceToken" not in second
        ok(api.get("/me", headers=bearer(second["accessToken"])))
        ok(self.refresh(api, second["refreshToken"]))

    def test_reuse_revokes_the_whole_login(self, cast, api, login):
        first = login(cast.member)
        second = ok(self.refresh(api, first["refreshToken"]))
        assert_error(self.refresh(api, first["refreshToken"]), 401, "invalid_token")
        assert Login.objects.get(user=cast.member.user).revoked_at is not None
        assert_error(api.get("/me", headers=bearer(second["accessToken"])), 401, "invalid_token")
        assert_error(self.refresh(api, second["refreshToken"]), 401, "invalid_token")

    def test_unknown_refresh_token(self, cast, api):
        assert_error(self.refresh(api, "no-such-token"), 401, "invalid_token")

    def test_missing_refresh_token_is_a_validation_error(self, cast, api):
        body = assert_error(api.post("/auth/token/refresh", json={}), 422, "validation_failed")
        assert body["details"]["fieldErrors"] == {"refreshToken": "required"}

    def test_switching_organization(self, cast, api, login):
        other = directory.add_member(cast.other_org, cast.member.user)
        first = login(cast.member, organizationId=cast.org.id)
        switched = ok(self.refresh(api, first["refreshToken"], organizationId=cast.other_org.id))
        assert switched["organizationId"] == cast.other_org.id
        me = ok(api.get("/me", headers=bearer(switched["accessToken"])))
        assert me["organization"]["id"] == cast.other_org.id
        assert me["user"]["memberId"] == other.id
        # Access tokens issued for the previous organization stop working.
        assert_error(api.get("/me", headers=bearer(first["accessToken"])), 401, "invalid_token")

    def test_switching_to_a_foreign_organization_is_denied_and_keeps_the_token(self, cast, api, login):
        first = login(cast.member)
        response = self.refresh(api, first["refreshToken"], organizationId=cast.other_org.id)
        assert_error(response, 403, "organization_access_denied")
        ok(self.refresh(api, first["refreshToken"]))  # the refused refresh did not spend the token

    def test_deactivated_membership_refuses_the_refresh(self, cast, api, login):
        first = login(cast.member)
        cast.member.member.status = "deactivated"
        cast.member.member.save()
        assert_error(self.refresh(api, first["refreshToken"]), 403, "account_disabled")

    def test_shorter_session_lifetime_applies_at_the_next_refresh(self, cast, api, login):
        first = login(cast.member)
        Login.objects.filter(user=cast.member.user).update(created_at=timezone.now() - timedelta(minutes=20))
        cast.org.session_lifetime_minutes = 15
        cast.org.save()
        assert_error(self.refresh(api, first["refreshToken"]), 401, "invalid_token")

    def test_refresh_after_logout(self, cast, api, login):
        first = login(cast.member)
        assert api.post("/auth/logout", headers=bearer(first["accessToken"])).status_code == 204
        assert_error(self.refresh(api, first["refreshToken"]), 401, "invalid_token")


class TestLogout:
    def test_logout_revokes_the_calling_login_only(self, cast, api, login):
        first, second = login(cast.member), login(cast.member)
        response = api.post("/auth/logout", headers=bearer(first["accessToken"]))
        assert response.status_code == 204 and response.content == b""
        assert_error(api.get("/me", headers=bearer(first["accessToken"])), 401, "invalid_token")
        ok(api.get("/me", headers=bearer(second["accessToken"])))

    def test_all_logins(self, cast, api, login):
        first, second = login(cast.member), login(cast.member)
        other_user = login(cast.admin)
        response = api.post("/auth/logout", json={"allLogins": True}, headers=bearer(first["accessToken"]))
        assert response.status_code == 204
        assert_error(api.get("/me", headers=bearer(second["accessToken"])), 401, "invalid_token")
        ok(api.get("/me", headers=bearer(other_user["accessToken"])))

    def test_logout_needs_a_token(self, cast, api):
        assert_error(api.post("/auth/logout"), 401, "unauthenticated")

    def test_all_logins_must_be_a_boolean(self, cast, api, login):
        headers = bearer(login(cast.member)["accessToken"])
        body = assert_error(
            api.post("/auth/logout", json={"allLogins": "yes"}, headers=headers), 422, "validation_failed"
        )
        assert "allLogins" in body["details"]["fieldErrors"]

    def test_logout_works_without_an_organization(self, cast, api, login):
        token = login(cast.member)["accessToken"]
        cast.member.member.delete()
        assert api.post("/auth/logout", headers=bearer(token)).status_code == 204


class TestPermissions:
    def test_catalogue_sorted_by_relation(self, cast, api, login):
        body = ok(api.get("/auth/permissions", headers=bearer(login(cast.member)["accessToken"])))
        relations = [p["relation"] for p in body["items"]]
        assert relations == sorted(relations)
        assert len(relations) == Permission.objects.count() == len(PERMISSIONS)
        metering = next(p for p in body["items"] if p["relation"] == "CanSubmitMetering")
        assert metering == {
            "relation": "CanSubmitMetering",
            "description": "Submit metering records (platform pipeline only)",
            "validObjectTypes": ["organization"],
            "systemOnly": True,
        }

    def test_needs_a_token(self, cast, api):
        assert_error(api.get("/auth/permissions"), 401, "unauthenticated")

    def test_caller_without_organization(self, cast, api, login):
        cast.member.member.delete()
        ok(api.get("/auth/permissions", headers=bearer(login(cast.member)["accessToken"])))
