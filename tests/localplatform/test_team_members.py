"""Team members (§3.10.6-3.10.9): inherited rows, add, remove, replace roles, permissions and events."""

import pytest

from localplatform.events.models import Event
from localplatform.identity.models import TeamMember
from localplatform.identity.services import directory, members
from tests.conftest import _person, bearer
from tests.localplatform.helpers import assert_error, ok


@pytest.fixture
def as_(login):
    return lambda person: bearer(login(person)["accessToken"])


@pytest.fixture(autouse=True)
def only_this_tests_events(db, request):
    """Forget the events the cast emitted (its team and team memberships), so a test reads only its own."""
    if "cast" in request.fixturenames:
        request.getfixturevalue("cast")
        Event.objects.all().delete()


@pytest.fixture
def newcomer(cast):
    """Nia Newcomer: an Acme member on no team."""
    return _person(cast.org, "nia@acme.test", "Nia", "Newcomer", "member")


def role_id(key: str) -> str:
    return directory.role(key).id


def members_url(team, member=None, roles=False) -> str:
    url = f"/org/teams/{team.id}/members"
    if member is not None:
        url += f"/{member.member.id}"
    return url + ("/roles" if roles else "")


class TestList:
    def test_explicit_and_inherited_rows(self, cast, api, as_):
        body = ok(api.get(members_url(cast.team), headers=as_(cast.member)))
        rows = {row["member"]["displayName"]: row for row in body["items"]}
        assert list(rows) == ["Adam Admin", "Mia Member", "Olivia Owner"]  # by name
        assert body["total"] == 3  # counts the inherited admin too, unlike memberCount
        assert rows["Adam Admin"]["inherited"] is True and rows["Adam Admin"]["addedAt"] is None
        assert rows["Adam Admin"]["roleIds"] == [role_id("team_admin")]
        assert rows["Mia Member"]["roleIds"] == [role_id("contributor")] and rows["Mia Member"]["addedAt"]
        # Olivia created the team (explicit Team Admin) and holds an allTeams role: one explicit row.
        assert rows["Olivia Owner"]["inherited"] is False
        assert [r["key"] for r in body["included"]["teamRoles"]] == ["team_admin", "contributor", "viewer"]

    def test_sort_and_pages(self, cast, api, as_):
        headers = as_(cast.member)
        by_email = ok(api.get(members_url(cast.team) + "?sortBy=email&sortDirection=desc", headers=headers))
        assert [r["member"]["email"] for r in by_email["items"]] == [
            "owner@acme.test",
            "member@acme.test",
            "admin@acme.test",
        ]
        page = ok(api.get(members_url(cast.team) + "?limit=1&page=2", headers=headers))
        assert page["total"] == 3 and [r["member"]["displayName"] for r in page["items"]] == ["Mia Member"]
        assert_error(api.get(members_url(cast.team) + "?sortBy=role", headers=headers), 400, "invalid_request")

    def test_missing_foreign_and_anonymous(self, cast, api, as_):
        assert_error(api.get("/org/teams/NOSUCHTEAM/members", headers=as_(cast.member)), 404, "not_found")
        assert_error(api.get(members_url(cast.team), headers=as_(cast.outsider)), 404, "not_found")
        assert_error(api.get(members_url(cast.team)), 401, "unauthenticated")


class TestAdd:
    def test_add_with_roles_and_with_the_default(self, cast, api, as_, newcomer):
        headers = as_(cast.admin)
        body = ok(
            api.put(members_url(cast.team, newcomer), json={"roleIds": [role_id("viewer")]}, headers=headers), 201
        )
        assert body["roleIds"] == [role_id("viewer")] and body["inherited"] is False and body["addedAt"]
        assert body["member"]["id"] == newcomer.member.id
        api.delete(members_url(cast.team, newcomer), headers=headers)
        again = ok(api.put(members_url(cast.team, newcomer), json={}, headers=headers), 201)
        assert again["roleIds"] == [role_id("contributor")]  # the team's default
        bare = ok(
            api.put(members_url(cast.team, cast.admin), headers=headers), 201
        )  # empty body, inherited -> explicit
        assert bare["inherited"] is False and bare["roleIds"] == [role_id("contributor")]
        types = list(Event.objects.order_by("occurred_at", "id").values_list("type", "data"))
        assert types[0] == (
            "team.member_added",
            {
                "teamId": cast.team.id,
                "teamName": "Data Platform",
                "memberId": newcomer.member.id,
                "actorMemberId": cast.admin.member.id,
            },
        )
        assert [t for t, _ in types] == [
            "team.member_added",
            "team.member_removed",
            "team.member_added",
            "team.member_added",
        ]

    def test_conflicts(self, cast, api, as_, newcomer):
        headers = as_(cast.owner)
        assert_error(api.put(members_url(cast.team, cast.member), json={}, headers=headers), 409, "already_exists")
        members.deactivate_member(newcomer.member)
        assert_error(api.put(members_url(cast.team, newcomer), json={}, headers=headers), 409, "invalid_state")
        assert not Event.objects.exists()

    @pytest.mark.parametrize(
        ("role_keys", "field"),
        [(["admin"], "roleIds[0]"), (["viewer", "owner"], "roleIds[1]"), (["viewer", "viewer"], "roleIds")],
    )
    def test_roles_must_be_distinct_team_roles(self, cast, api, as_, newcomer, role_keys, field):
        body = {"roleIds": [role_id(key) for key in role_keys]}
        error = assert_error(
            api.put(members_url(cast.team, newcomer), json=body, headers=as_(cast.owner)), 422, "validation_failed"
        )
        assert field in error["details"]["fieldErrors"]
        assert not TeamMember.objects.filter(member=newcomer.member).exists()

    def test_too_many_roles_and_unknown_fields(self, cast, api, as_, newcomer):
        headers = as_(cast.owner)
        too_many = {"roleIds": [role_id("viewer")] * 11}
        assert_error(
            api.put(members_url(cast.team, newcomer), json=too_many, headers=headers), 422, "validation_failed"
        )
        assert_error(
            api.put(members_url(cast.team, newcomer), json={"role": "x"}, headers=headers), 422, "validation_failed"
        )

    def test_missing_member_or_team_and_outsiders(self, cast, api, as_, newcomer):
        headers = as_(cast.owner)
        assert_error(
            api.put(f"/org/teams/{cast.team.id}/members/NOSUCHMEMBER", json={}, headers=headers), 404, "not_found"
        )
        assert_error(
            api.put(f"/org/teams/NOSUCHTEAM/members/{newcomer.member.id}", json={}, headers=headers), 404, "not_found"
        )
        # A member of another organization is not found here.
        assert_error(api.put(members_url(cast.team, cast.outsider), json={}, headers=headers), 404, "not_found")
        assert_error(api.put(members_url(cast.team, newcomer), json={}, headers=as_(cast.outsider)), 404, "not_found")
        assert_error(api.put(members_url(cast.team, newcomer), json={}), 401, "unauthenticated")

    def test_team_admin_fills_their_team_only(self, cast, api, as_, team_admin, other_team, newcomer):
        headers = as_(team_admin)
        ok(api.put(members_url(cast.team, newcomer), json={"roleIds": [role_id("viewer")]}, headers=headers), 201)
        assert_error(api.put(members_url(other_team, newcomer), json={}, headers=headers), 403, "permission_denied")

    def test_contributor_cannot_add(self, cast, api, as_, newcomer):
        assert_error(
            api.put(members_url(cast.team, newcomer), json={}, headers=as_(cast.member)), 403, "permission_denied"
        )


class TestRemove:
    def test_remove_fires_member_removed(self, cast, api, as_):
        assert api.delete(members_url(cast.team, cast.member), headers=as_(cast.admin)).status_code == 204
        assert not TeamMember.objects.filter(team=cast.team, member=cast.member.member).exists()
        [(kind, data)] = Event.objects.values_list("type", "data")
        assert kind == "team.member_removed" and data["memberId"] == cast.member.member.id
        assert_error(api.delete(members_url(cast.team, cast.member), headers=as_(cast.admin)), 404, "not_found")

    def test_inherited_only_cannot_be_removed_but_explicit_row_of_an_admin_can(self, cast, api, as_):
        headers = as_(cast.owner)
        assert_error(api.delete(members_url(cast.team, cast.admin), headers=headers), 409, "invalid_state")
        # Olivia's explicit row goes; she still inherits the team as Owner.
        assert api.delete(members_url(cast.team, cast.owner), headers=headers).status_code == 204
        rows = ok(api.get(members_url(cast.team), headers=headers))["items"]
        assert {r["member"]["displayName"]: r["inherited"] for r in rows}["Olivia Owner"] is True

    def test_a_member_may_always_leave(self, cast, api, as_, other_team):
        assert api.delete(members_url(cast.team, cast.member), headers=as_(cast.member)).status_code == 204

    def test_contributor_cannot_remove_others_and_team_admin_only_in_own_team(
        self, cast, api, as_, team_admin, other_team
    ):
        assert_error(api.delete(members_url(cast.team, cast.owner), headers=as_(cast.member)), 403, "permission_denied")
        headers = as_(team_admin)
        assert_error(api.delete(members_url(other_team, cast.owner), headers=headers), 403, "permission_denied")
        assert api.delete(members_url(cast.team, cast.member), headers=headers).status_code == 204
        assert_error(api.delete(members_url(cast.team, cast.member), headers=as_(cast.outsider)), 404, "not_found")
        assert_error(api.delete(members_url(cast.team, cast.member)), 401, "unauthenticated")


class TestReplaceRoles:
    def test_replace_roles(self, cast, api, as_):
        body = {"roleIds": [role_id("viewer"), role_id("team_admin")]}
        response = api.put(members_url(cast.team, cast.member, roles=True), json=body, headers=as_(cast.admin))
        assert response.status_code == 204 and response.content == b""
        membership = TeamMember.objects.get(team=cast.team, member=cast.member.member)
        assert {r.key for r in membership.roles.all()} == {"viewer", "team_admin"}
        assert not Event.objects.exists()  # role changes inside a team fire no event (§2.7)

    def test_validation(self, cast, api, as_):
        headers = as_(cast.owner)
        url = members_url(cast.team, cast.member, roles=True)
        assert (
            "roleIds"
            in assert_error(api.put(url, json={"roleIds": []}, headers=headers), 422, "validation_failed")["details"][
                "fieldErrors"
            ]
        )
        assert_error(api.put(url, json={}, headers=headers), 422, "validation_failed")
        assert_error(api.put(url, json={"roleIds": [role_id("member")]}, headers=headers), 422, "validation_failed")

    def test_not_on_team_or_inherited_only(self, cast, api, as_, newcomer):
        headers = as_(cast.owner)
        body = {"roleIds": [role_id("viewer")]}
        assert_error(
            api.put(members_url(cast.team, newcomer, roles=True), json=body, headers=headers), 404, "not_found"
        )
        assert_error(
            api.put(members_url(cast.team, cast.admin, roles=True), json=body, headers=headers), 409, "invalid_state"
        )

    def test_permissions(self, cast, api, as_, team_admin, other_team):
        body = {"roleIds": [role_id("viewer")]}
        assert_error(
            api.put(members_url(cast.team, cast.member, roles=True), json=body, headers=as_(cast.member)),
            403,
            "permission_denied",
        )
        headers = as_(team_admin)
        assert_error(
            api.put(members_url(other_team, cast.owner, roles=True), json=body, headers=headers),
            403,
            "permission_denied",
        )
        assert api.put(members_url(cast.team, cast.member, roles=True), json=body, headers=headers).status_code == 204
        assert_error(
            api.put(members_url(cast.team, cast.member, roles=True), json=body, headers=as_(cast.outsider)),
            404,
            "not_found",
        )
