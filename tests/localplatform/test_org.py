"""GET /org/teams (§3.10.1), GET and PATCH /org/settings (§3.14)."""

import pytest

from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


@pytest.fixture
def member_headers(cast, login):
    return bearer(login(cast.member)["accessToken"])


@pytest.fixture
def owner_headers(cast, login):
    return bearer(login(cast.owner)["accessToken"])


class TestTeams:
    def names(self, body):
        return [item["team"]["name"] for item in body["items"]]

    def test_teams_with_explicit_member_counts(self, cast, api, member_headers):
        body = ok(api.get("/org/teams", headers=member_headers))
        assert body["total"] == 1
        [summary] = body["items"]
        assert summary["memberCount"] == 2  # Olivia (creator) and Mia; admins' implicit membership is not counted
        team = summary["team"]
        assert team["id"] == cast.team.id and team["organizationId"] == cast.org.id
        assert team["description"] == "Runs the lakehouse."
        assert team["defaultRoleId"] == directory.role("contributor").id
        assert team["createdBy"] == cast.owner.member.id

    def test_search_sort_and_pages(self, cast, api, member_headers):
        team_service.create_team(cast.org, "analytics engineering", None, "dbt models")
        team_service.create_team(cast.org, "Growth", None, "Experiments and funnels")
        assert self.names(ok(api.get("/org/teams", headers=member_headers))) == [
            "analytics engineering",
            "Data Platform",
            "Growth",
        ]
        desc = ok(api.get("/org/teams?sortBy=email&sortDirection=desc", headers=member_headers))
        assert self.names(desc) == ["Growth", "Data Platform", "analytics engineering"]  # email sorts by name
        assert self.names(ok(api.get("/org/teams?search=FUNNEL", headers=member_headers))) == ["Growth"]
        assert self.names(ok(api.get("/org/teams?search=data", headers=member_headers))) == ["Data Platform"]
        page = ok(api.get("/org/teams?limit=1&page=2", headers=member_headers))
        assert page["total"] == 3 and self.names(page) == ["Data Platform"]
        empty = ok(api.get("/org/teams?search=nothing-like-this", headers=member_headers))
        assert empty == {"total": 0, "items": []}

    def test_other_organizations_teams_are_invisible(self, cast, api, login):
        team_service.create_team(cast.other_org, "Globex Ops", cast.outsider.member)
        body = ok(api.get("/org/teams", headers=bearer(login(cast.outsider)["accessToken"])))
        assert self.names(body) == ["Globex Ops"]

    def test_teams_need_a_token(self, cast, api):
        assert_error(api.get("/org/teams"), 401, "unauthenticated")


class TestSettings:
    def test_every_member_reads_the_settings(self, cast, api, member_headers):
        body = ok(api.get("/org/settings", headers=member_headers))
        assert body == {
            "organizationId": cast.org.id,
            "organizationName": "Acme Analytics",
            "requireDpop": False,
            "requireMfa": False,
            "sessionLifetimeMinutes": 720,
            "invitationExpiryHours": 168,
            "trustedDeviceLifetimeDays": 30,
            "defaultRoleId": directory.role("member").id,
            "updatedAt": body["updatedAt"],
            "updatedBy": None,
        }

    def test_owner_updates_only_the_fields_sent(self, cast, api, owner_headers):
        changes = {
            "organizationName": "  Acme Analytics GmbH ",
            "requireMfa": True,
            "sessionLifetimeMinutes": 60,
            "defaultRoleId": directory.role("auditor").id,
        }
        body = ok(api.patch("/org/settings", json=changes, headers=owner_headers))
        assert body["organizationName"] == "Acme Analytics GmbH"
        assert body["requireMfa"] is True and body["requireDpop"] is False
        assert body["sessionLifetimeMinutes"] == 60 and body["invitationExpiryHours"] == 168
        assert body["defaultRoleId"] == directory.role("auditor").id
        assert body["updatedBy"] == cast.owner.member.id
        assert ok(api.get("/org/settings", headers=owner_headers)) == body
        cast.org.refresh_from_db()
        assert cast.org.name == "Acme Analytics GmbH" and cast.org.default_role.key == "auditor"

    def test_empty_body_returns_the_unchanged_settings(self, cast, api, owner_headers):
        before = ok(api.get("/org/settings", headers=owner_headers))
        assert ok(api.patch("/org/settings", headers=owner_headers)) == before

    @pytest.mark.parametrize("person", ["admin", "member"])
    def test_without_manage_organization_it_is_permission_denied(self, cast, api, login, person):
        headers = bearer(login(getattr(cast, person))["accessToken"])
        response = api.patch("/org/settings", json={"requireMfa": True}, headers=headers)
        assert_error(response, 403, "permission_denied")
        cast.org.refresh_from_db()
        assert cast.org.require_mfa is False

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"sessionLifetimeMinutes": 14}, "sessionLifetimeMinutes"),
            ({"sessionLifetimeMinutes": 43201}, "sessionLifetimeMinutes"),
            ({"sessionLifetimeMinutes": "60"}, "sessionLifetimeMinutes"),
            ({"invitationExpiryHours": 0}, "invitationExpiryHours"),
            ({"invitationExpiryHours": 721}, "invitationExpiryHours"),
            ({"trustedDeviceLifetimeDays": 91}, "trustedDeviceLifetimeDays"),
            ({"requireMfa": "yes"}, "requireMfa"),
            ({"requireDpop": None}, "requireDpop"),
            ({"organizationName": "   "}, "organizationName"),
            ({"organizationName": "x" * 256}, "organizationName"),
            ({"defaultRoleId": "not-an-id"}, "defaultRoleId"),
            ({"colour": "blue"}, "colour"),
        ],
    )
    def test_invalid_values_are_validation_errors(self, cast, api, owner_headers, changes, field):
        body = assert_error(api.patch("/org/settings", json=changes, headers=owner_headers), 422, "validation_failed")
        assert list(body["details"]["fieldErrors"]) == [field]

    @pytest.mark.parametrize("role", ["owner", "contributor", "unknown"])
    def test_default_role_must_be_an_org_role_other_than_owner(self, cast, api, owner_headers, role):
        role_id = "NOSUCHROLE" if role == "unknown" else directory.role(role).id
        response = api.patch("/org/settings", json={"defaultRoleId": role_id}, headers=owner_headers)
        body = assert_error(response, 422, "validation_failed")
        assert body["details"]["fieldErrors"] == {"defaultRoleId": "must be an organization role other than Owner"}

    def test_unknown_field_says_so(self, cast, api, owner_headers):
        response = api.patch("/org/settings", json={"colour": "blue"}, headers=owner_headers)
        assert assert_error(response, 422, "validation_failed")["details"]["fieldErrors"] == {"colour": "unknown field"}

    def test_settings_need_a_token(self, cast, api):
        assert_error(api.get("/org/settings"), 401, "unauthenticated")
        assert_error(api.patch("/org/settings", json={}), 401, "unauthenticated")
