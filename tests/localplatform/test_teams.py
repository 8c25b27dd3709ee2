"""Teams (§3.10.2-3.10.5) and GET /me/teams (§3.3.9): rules, permissions (§1.13) and team events (§2.7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from localplatform.events.models import Event
from localplatform.identity.models import Invitation, Team, TeamMember
from localplatform.identity.services import directory
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


@pytest.fixture
def as_(login):
    """as_(person) -> Authorization headers of a fresh login."""
    return lambda person: bearer(login(person)["accessToken"])


@pytest.fixture(autouse=True)
def only_this_tests_events(db, request):
    """Forget the events the cast emitted (its team and team memberships), so a test reads only its own."""
    if "cast" in request.fixturenames:
        request.getfixturevalue("cast")
        Event.objects.all().delete()


def role_id(key: str) -> str:
    return directory.role(key).id


def events(type_prefix: str = "team.") -> list[tuple[str, dict]]:
    return [(e.type, e.data) for e in Event.objects.filter(type__startswith=type_prefix).order_by("occurred_at", "id")]


class TestCreate:
    def test_creator_joins_as_team_admin_and_events_fire(self, cast, api, as_):
        headers = as_(cast.admin)
        body = ok(api.post("/org/teams", json={"name": "  Growth  ", "description": "Funnels"}, headers=headers), 201)
        assert body["memberCount"] == 1
        team = body["team"]
        assert team["name"] == "Growth" and team["description"] == "Funnels"
        assert team["defaultRoleId"] == role_id("contributor")
        assert team["organizationId"] == cast.org.id
        assert team["createdBy"] == team["updatedBy"] == cast.admin.member.id
        membership = TeamMember.objects.get(team_id=team["id"])
        assert membership.member_id == cast.admin.member.id
        assert [r.key for r in membership.roles.all()] == ["team_admin"]
        actor = cast.admin.member.id
        assert events() == [
            ("team.created", {"teamId": team["id"], "teamName": "Growth", "actorMemberId": actor}),
            (
                "team.member_added",
                {"teamId": team["id"], "teamName": "Growth", "memberId": actor, "actorMemberId": actor},
            ),
        ]
        event = Event.objects.get(type="team.created")
        assert event.payload()["resource"] == {"type": "team", "id": team["id"], "name": "Growth"}
        assert event.team_ids == [team["id"]]

    def test_default_role_may_be_given(self, cast, api, as_):
        body = ok(
            api.post(
                "/org/teams",
                json={"name": "Readers", "defaultRoleId": role_id("viewer"), "organizationId": cast.org.id},
                headers=as_(cast.owner),
            ),
            201,
        )
        assert body["team"]["defaultRoleId"] == role_id("viewer")
        assert body["team"]["description"] is None

    @pytest.mark.parametrize("name", ["Data Platform", "data platform", "DATA PLATFORM", " Data Platform "])
    def test_name_is_unique_in_any_letter_case(self, cast, api, as_, name):
        body = assert_error(api.post("/org/teams", json={"name": name}, headers=as_(cast.owner)), 409, "already_exists")
        assert "already exists" in body["message"]
        assert Team.objects.filter(organization=cast.org).count() == 1
        assert events() == []

    def test_the_same_name_is_free_in_another_organization(self, cast, api, as_):
        ok(api.post("/org/teams", json={"name": "Data Platform"}, headers=as_(cast.outsider)), 201)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "name"),
            ({"name": ""}, "name"),
            ({"name": "   "}, "name"),
            ({"name": "x" * 256}, "name"),
            ({"name": "Ok", "description": "d" * 1024}, "description"),
            ({"name": "Ok", "colour": "blue"}, "colour"),
            ({"name": "Ok", "defaultRoleId": "lowercase"}, "defaultRoleId"),
        ],
    )
    def test_invalid_fields(self, cast, api, as_, body, field):
        error = assert_error(api.post("/org/teams", json=body, headers=as_(cast.owner)), 422, "validation_failed")
        assert field in error["details"]["fieldErrors"]

    def test_default_role_must_be_a_team_role(self, cast, api, as_):
        for wrong in (role_id("admin"), "NOSUCHROLE"):
            error = assert_error(
                api.post("/org/teams", json={"name": "Ops", "defaultRoleId": wrong}, headers=as_(cast.owner)),
                422,
                "validation_failed",
            )
            assert error["details"]["fieldErrors"] == {"defaultRoleId": "must be a team role"}

    def test_organization_id_must_be_the_one_in_context(self, cast, api, as_):
        error = assert_error(
            api.post("/org/teams", json={"name": "Ops", "organizationId": cast.other_org.id}, headers=as_(cast.owner)),
            422,
            "validation_failed",
        )
        assert "organizationId" in error["details"]["fieldErrors"]

    def test_members_and_team_admins_cannot_create(self, cast, api, as_, team_admin):
        for person in (cast.member, team_admin):
            assert_error(api.post("/org/teams", json={"name": "Ops"}, headers=as_(person)), 403, "permission_denied")

    def test_needs_a_token(self, cast, api):
        assert_error(api.post("/org/teams", json={"name": "Ops"}), 401, "unauthenticated")
        assert_error(api.post("/org/teams", json={"name": "Ops"}, headers=bearer("nope")), 401, "invalid_token")

    def test_malformed_body(self, cast, api, as_):
        headers = {**as_(cast.owner), "Content-Type": "application/json"}
        assert_error(api.post("/org/teams", content=b"{not json", headers=headers), 400, "invalid_request")


class TestDescribe:
    def test_every_member_sees_a_team(self, cast, api, as_):
        body = ok(api.get(f"/org/teams/{cast.team.id}", headers=as_(cast.member)))
        assert body["memberCount"] == 2 and body["team"]["name"] == "Data Platform"

    def test_missing_malformed_and_foreign_teams(self, cast, api, as_):
        headers = as_(cast.owner)
        assert_error(api.get("/org/teams/NOSUCHTEAM", headers=headers), 404, "not_found")
        assert_error(api.get("/org/teams/bad-id", headers=headers), 400, "invalid_request")
        # The outsider's token is for Globex: Acme's team does not exist there.
        assert_error(api.get(f"/org/teams/{cast.team.id}", headers=as_(cast.outsider)), 404, "not_found")
        foreign = {**as_(cast.outsider), "LakeSail-Organization-Id": cast.org.id}
        assert_error(api.get(f"/org/teams/{cast.team.id}", headers=foreign), 403, "organization_access_denied")

    def test_needs_a_token(self, cast, api):
        assert_error(api.get(f"/org/teams/{cast.team.id}"), 401, "unauthenticated")


class TestUpdate:
    def test_rename_describe_and_default_role(self, cast, api, as_):
        body = ok(
            api.patch(
                f"/org/teams/{cast.team.id}",
                json={"name": "Lakehouse", "description": None, "defaultRoleId": role_id("viewer")},
                headers=as_(cast.admin),
            )
        )
        team = body["team"]
        assert (team["name"], team["description"], team["defaultRoleId"]) == ("Lakehouse", None, role_id("viewer"))
        assert team["updatedBy"] == cast.admin.member.id and body["memberCount"] == 2

    def test_empty_body_changes_nothing(self, cast, api, as_):
        body = ok(api.patch(f"/org/teams/{cast.team.id}", json={}, headers=as_(cast.owner)))
        assert body["team"]["name"] == "Data Platform" and body["team"]["description"] == "Runs the lakehouse."

    def test_own_name_in_another_case_is_allowed_but_a_clash_is_not(self, cast, api, as_, other_team):
        headers = as_(cast.owner)
        ok(api.patch(f"/org/teams/{cast.team.id}", json={"name": "DATA platform"}, headers=headers))
        assert_error(
            api.patch(f"/org/teams/{cast.team.id}", json={"name": "growth"}, headers=headers), 409, "already_exists"
        )

    def test_invalid_fields(self, cast, api, as_):
        headers = as_(cast.owner)
        for body, field in (
            ({"name": None}, "name"),
            ({"name": ""}, "name"),
            ({"defaultRoleId": None}, "defaultRoleId"),
            ({"defaultRoleId": role_id("owner")}, "defaultRoleId"),
            ({"members": []}, "members"),
        ):
            error = assert_error(
                api.patch(f"/org/teams/{cast.team.id}", json=body, headers=headers), 422, "validation_failed"
            )
            assert field in error["details"]["fieldErrors"], body

    def test_team_admin_manages_their_team_only(self, cast, api, as_, team_admin, other_team):
        headers = as_(team_admin)
        ok(api.patch(f"/org/teams/{cast.team.id}", json={"description": "Ours"}, headers=headers))
        assert_error(
            api.patch(f"/org/teams/{other_team.id}", json={"description": "Theirs"}, headers=headers),
            403,
            "permission_denied",
        )

    def test_contributor_and_outsider_cannot(self, cast, api, as_):
        assert_error(
            api.patch(f"/org/teams/{cast.team.id}", json={"name": "X"}, headers=as_(cast.member)),
            403,
            "permission_denied",
        )
        assert_error(
            api.patch(f"/org/teams/{cast.team.id}", json={"name": "X"}, headers=as_(cast.outsider)), 404, "not_found"
        )
        assert_error(api.patch("/org/teams/NOSUCHTEAM", json={"name": "X"}, headers=as_(cast.member)), 404, "not_found")
        assert_error(api.patch(f"/org/teams/{cast.team.id}", json={"name": "X"}), 401, "unauthenticated")


class TestDelete:
    def test_delete_removes_every_assignment_and_fires_only_team_deleted(self, cast, api, as_):
        headers = as_(cast.owner)
        team_id = cast.team.id
        assert api.delete(f"/org/teams/{team_id}", headers=headers).status_code == 204
        assert not Team.objects.filter(id=team_id).exists()
        assert not TeamMember.objects.filter(team_id=team_id).exists()
        assert events() == [
            ("team.deleted", {"teamId": team_id, "teamName": "Data Platform", "actorMemberId": cast.owner.member.id})
        ]
        assert_error(api.delete(f"/org/teams/{team_id}", headers=headers), 404, "not_found")
        assert ok(api.get("/me/teams", headers=as_(cast.member)))["items"] == []

    def test_pending_invitations_drop_their_placement_in_the_team(self, cast, api, as_, other_team):
        placements = [
            {"teamId": cast.team.id, "roleIds": [role_id("viewer")]},
            {"teamId": other_team.id, "roleIds": []},
        ]
        invitation = Invitation.objects.create(
            organization=cast.org,
            email="new@acme.test",
            teams=placements,
            expires_at=timezone.now() + timedelta(days=7),
            invited_by=cast.owner.member.id,
            token_hash="0" * 64,
        )
        assert api.delete(f"/org/teams/{cast.team.id}", headers=as_(cast.owner)).status_code == 204
        invitation.refresh_from_db()
        assert invitation.teams == [{"teamId": other_team.id, "roleIds": []}]

    def test_team_admin_deletes_their_own_team_not_another(self, cast, api, as_, team_admin, other_team):
        headers = as_(team_admin)
        assert_error(api.delete(f"/org/teams/{other_team.id}", headers=headers), 403, "permission_denied")
        assert api.delete(f"/org/teams/{cast.team.id}", headers=headers).status_code == 204

    def test_contributor_outsider_and_anonymous_cannot(self, cast, api, as_):
        assert_error(api.delete(f"/org/teams/{cast.team.id}", headers=as_(cast.member)), 403, "permission_denied")
        assert_error(api.delete(f"/org/teams/{cast.team.id}", headers=as_(cast.outsider)), 404, "not_found")
        assert_error(api.delete(f"/org/teams/{cast.team.id}"), 401, "unauthenticated")
        assert Team.objects.filter(id=cast.team.id).exists()


class TestMyTeams:
    def test_explicit_memberships_with_roles(self, cast, api, as_, other_team):
        body = ok(api.get("/me/teams", headers=as_(cast.member)))
        [mine] = body["items"]
        assert mine["team"]["id"] == cast.team.id and mine["memberCount"] == 2
        assert mine["roleIds"] == [role_id("contributor")] and mine["inherited"] is False
        assert [r["key"] for r in body["included"]["teamRoles"]] == ["team_admin", "contributor", "viewer"]

    def test_all_teams_roles_inherit_every_team_by_name(self, cast, api, as_, other_team):
        body = ok(api.get("/me/teams", headers=as_(cast.admin)))
        assert [(t["team"]["name"], t["inherited"]) for t in body["items"]] == [
            ("Data Platform", True),
            ("Growth", True),
        ]
        assert {tuple(t["roleIds"]) for t in body["items"]} == {(role_id("team_admin"),)}
        # The owner created both teams: explicit rows win over inherited ones.
        owner = ok(api.get("/me/teams", headers=as_(cast.owner)))
        assert [t["inherited"] for t in owner["items"]] == [False, False]

    def test_reflects_changes_at_once(self, cast, api, as_, other_team):
        admin, member = as_(cast.admin), as_(cast.member)
        mid = cast.member.member.id
        ok(
            api.put(f"/org/teams/{other_team.id}/members/{mid}", json={"roleIds": [role_id("viewer")]}, headers=admin),
            201,
        )
        names = [t["team"]["name"] for t in ok(api.get("/me/teams", headers=member))["items"]]
        assert names == ["Data Platform", "Growth"]
        api.delete(f"/org/teams/{cast.team.id}/members/{mid}", headers=admin)
        [growth] = ok(api.get("/me/teams", headers=member))["items"]
        assert growth["roleIds"] == [role_id("viewer")]

    def test_outsider_sees_only_their_organization(self, cast, api, as_):
        assert ok(api.get("/me/teams", headers=as_(cast.outsider)))["items"] == []
        foreign = {**as_(cast.outsider), "LakeSail-Organization-Id": cast.org.id}
        assert_error(api.get("/me/teams", headers=foreign), 403, "organization_access_denied")

    def test_needs_a_token(self, cast, api):
        assert_error(api.get("/me/teams"), 401, "unauthenticated")
