"""Member administration (§3.13.2-5): describe, update, replace roles, remove; Owner rules and events."""

import pytest

from localplatform.events.models import Event
from localplatform.identity.models import Login, Member
from localplatform.identity.services import directory, members
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


@pytest.fixture
def as_owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def as_admin(cast, login):
    return bearer(login(cast.admin)["accessToken"])


def role_id(key):
    return directory.role(key).id


def test_describe_lists_roles_and_team_memberships(cast, api, login):
    headers = bearer(login(cast.member)["accessToken"])
    body = ok(api.get(f"/org/members/{cast.member.member.id}", headers=headers))
    assert body["member"]["email"] == "member@acme.test"
    assert body["roleIds"] == [role_id("member")]
    assert body["teamMemberships"] == [
        {"teamId": cast.team.id, "roleIds": [role_id("contributor")], "inherited": False}
    ]
    assert [r["key"] for r in body["included"]["roles"]] == ["owner", "admin", "billing_viewer", "auditor", "member"]
    assert [r["key"] for r in body["included"]["teamRoles"]] == ["team_admin", "contributor", "viewer"]
    assert [t["team"]["name"] for t in body["included"]["teams"]] == ["Data Platform"]


def test_describe_shows_inherited_team_admin_for_all_teams_roles(cast, api, as_admin, other_team):
    body = ok(api.get(f"/org/members/{cast.admin.member.id}", headers=as_admin))
    assert {(m["teamId"], m["inherited"]) for m in body["teamMemberships"]} == {
        (cast.team.id, True),
        (other_team.id, True),
    }
    assert all(m["roleIds"] == [role_id("team_admin")] for m in body["teamMemberships"])
    # The owner created both teams: explicit wins over inherited.
    body = ok(api.get(f"/org/members/{cast.owner.member.id}", headers=as_admin))
    assert {m["inherited"] for m in body["teamMemberships"]} == {False}


def test_describe_unknown_and_malformed(cast, api, as_admin):
    assert_error(api.get("/org/members/NOSUCHMEMB", headers=as_admin), 404, "not_found")
    assert_error(api.get("/org/members/bad-id", headers=as_admin), 400, "invalid_request")
    assert_error(api.get(f"/org/members/{cast.outsider.member.id}", headers=as_admin), 404, "not_found")


def test_update_profile_writes_through_and_keeps_search_in_sync(cast, api, as_admin):
    body = ok(
        api.patch(
            f"/org/members/{cast.member.member.id}",
            json={"givenName": "Mia", "familyName": "Zeller", "displayName": "Mia Zeller"},
            headers=as_admin,
        )
    )
    assert body["member"]["displayName"] == "Mia Zeller" and body["member"]["familyName"] == "Zeller"
    assert body["member"]["updatedBy"] == cast.admin.member.id
    member = Member.objects.get(pk=cast.member.member.pk)
    assert (member.sort_name, member.user.display_name) == ("mia zeller", "Mia Zeller")
    found = ok(api.get("/org/members?filter[search]=zeller", headers=as_admin))
    assert [row["memberId"] for row in found["items"]] == [cast.member.member.id]


def test_update_validation(cast, api, as_admin):
    url = f"/org/members/{cast.member.member.id}"
    body = assert_error(api.patch(url, json={"givenName": ""}, headers=as_admin), 422, "validation_failed")
    assert "givenName" in body["details"]["fieldErrors"]
    body = assert_error(api.patch(url, json={"nickname": "x"}, headers=as_admin), 422, "validation_failed")
    assert body["details"]["fieldErrors"] == {"nickname": "unknown field"}
    body = assert_error(api.patch(url, json={"status": "gone"}, headers=as_admin), 422, "validation_failed")
    assert "status" in body["details"]["fieldErrors"]
    assert ok(api.patch(url, json={}, headers=as_admin))["member"]["id"] == cast.member.member.id


def test_external_members_profile_is_refused_but_account_type_and_status_change(cast, api, as_admin):
    url = f"/org/members/{cast.member.member.id}"
    assert ok(api.patch(url, json={"accountType": "external"}, headers=as_admin))["member"]["accountType"] == "external"
    assert_error(api.patch(url, json={"displayName": "New Name"}, headers=as_admin), 409, "external_account")
    assert ok(api.patch(url, json={"status": "deactivated"}, headers=as_admin))["member"]["status"] == "deactivated"
    # Turning the account back to managed in the same request allows the profile edit.
    body = ok(api.patch(url, json={"accountType": "managed", "displayName": "Mia M."}, headers=as_admin))
    assert body["member"]["displayName"] == "Mia M."


def test_profile_of_someone_in_another_organization_is_in_use(cast, api, as_admin):
    directory.add_member(cast.other_org, cast.member.user)
    url = f"/org/members/{cast.member.member.id}"
    assert_error(api.patch(url, json={"displayName": "X"}, headers=as_admin), 409, "in_use")
    assert ok(api.patch(url, json={"accountType": "external"}, headers=as_admin))["member"]["accountType"] == "external"


def test_deactivation_revokes_logins_in_this_organization_only(cast, api, login, as_admin):
    directory.add_member(cast.other_org, cast.member.user)
    here = login(cast.member, organizationId=cast.org.id)
    there = login(cast.member, organizationId=cast.other_org.id)
    ok(api.patch(f"/org/members/{cast.member.member.id}", json={"status": "deactivated"}, headers=as_admin))
    assert_error(api.get("/me", headers=bearer(here["accessToken"])), 401, "invalid_token")
    assert ok(api.get("/me", headers=bearer(there["accessToken"])))["organization"]["id"] == cast.other_org.id
    # Reactivation works and the member can log in again.
    ok(api.patch(f"/org/members/{cast.member.member.id}", json={"status": "active"}, headers=as_admin))
    login(cast.member, organizationId=cast.org.id)


def test_callers_cannot_deactivate_themselves(cast, api, as_admin):
    url = f"/org/members/{cast.admin.member.id}"
    assert_error(api.patch(url, json={"status": "deactivated"}, headers=as_admin), 409, "invalid_state")


def test_only_owners_act_on_owners(cast, api, as_admin, as_owner):
    url = f"/org/members/{cast.owner.member.id}"
    assert_error(api.patch(url, json={"displayName": "Boss"}, headers=as_admin), 403, "owner_role_required")
    assert_error(api.delete(url, headers=as_admin), 403, "owner_role_required")
    grant = {"roleIds": [role_id("owner")]}
    assert_error(
        api.put(f"/org/members/{cast.member.member.id}/roles", json=grant, headers=as_admin), 403, "owner_role_required"
    )
    # Granting Owner to themselves is still granting Owner.
    assert_error(
        api.put(f"/org/members/{cast.admin.member.id}/roles", json=grant, headers=as_admin), 403, "owner_role_required"
    )
    assert ok(api.patch(url, json={"displayName": "Olivia O."}, headers=as_owner), 200)


def test_only_owners_change_any_role_of_an_owner(cast, api, as_admin, as_owner):
    """§1.13 (revised 2026-12): an Admin cannot change an Owner's other roles, even keeping Owner."""
    url = f"/org/members/{cast.owner.member.id}/roles"
    for role_ids in ([role_id("owner"), role_id("auditor")], [role_id("owner")], [role_id("admin")]):
        assert_error(api.put(url, json={"roleIds": role_ids}, headers=as_admin), 403, "owner_role_required")
    assert [r.key for r in cast.owner.member.roles.all()] == ["owner"]
    # Their own roles stay theirs to change, and an Owner changes another Owner's.
    ok(api.put(url, json={"roleIds": [role_id("owner"), role_id("auditor")]}, headers=as_owner), 204)
    own = {"roleIds": [role_id("admin"), role_id("auditor")]}
    ok(api.put(f"/org/members/{cast.admin.member.id}/roles", json=own, headers=as_admin), 204)


def test_last_owner_cannot_be_demoted_deactivated_or_removed(cast, api, as_owner, login):
    owner_id = cast.owner.member.id
    demote = api.put(f"/org/members/{owner_id}/roles", json={"roleIds": [role_id("admin")]}, headers=as_owner)
    body = assert_error(demote, 409, "last_owner")
    assert "last Owner" in body["message"] and "Olivia Owner" in body["message"]
    assert_error(api.delete(f"/org/members/{owner_id}", headers=as_owner), 409, "last_owner")  # leaving
    # A second owner who is deactivated does not count.
    second = directory.add_member(
        cast.org, directory.create_user("o2@acme.test", None, "Otto", "Two", email_verified=True)
    )
    second.roles.set([directory.role("owner")])
    members.deactivate_member(second)
    assert_error(api.delete(f"/org/members/{owner_id}", headers=as_owner), 409, "last_owner")
    # With a second active Owner, demotion works.
    Member.objects.filter(pk=second.pk).update(status=Member.ACTIVE)
    ok(api.put(f"/org/members/{owner_id}/roles", json={"roleIds": [role_id("admin")]}, headers=as_owner), 204)
    assert Member.objects.get(pk=owner_id).roles.get().key == "admin"


def test_last_owner_cannot_be_deactivated(cast):
    """Only reachable when the acting Owner does not count (their user is disabled): checked at the service."""
    from localplatform.errors import PlatformError
    from localplatform.identity.services import members
    from localplatform.identity.services.permissions import Access

    user = directory.create_user("o2@acme.test", None, "Otto", "Two", email_verified=True)
    second = directory.add_member(cast.org, user, [directory.role("owner")])
    user.status = "disabled"
    user.save()
    with pytest.raises(PlatformError) as refused:
        members.update_member(Access.of(second), cast.owner.member, {"status": "deactivated"})
    assert refused.value.code == "last_owner"
    assert Member.objects.get(pk=cast.owner.member.pk).status == "active"


def test_replace_roles_validation(cast, api, as_admin):
    url = f"/org/members/{cast.member.member.id}/roles"
    body = assert_error(api.put(url, json={"roleIds": []}, headers=as_admin), 422, "validation_failed")
    assert "roleIds" in body["details"]["fieldErrors"]
    body = assert_error(api.put(url, json={"roleIds": [role_id("viewer")]}, headers=as_admin), 422, "validation_failed")
    assert body["details"]["fieldErrors"] == {"roleIds[0]": "not an organization role"}
    body = assert_error(api.put(url, json={"roleIds": ["NOSUCHROLE"]}, headers=as_admin), 422, "validation_failed")
    assert body["details"]["fieldErrors"] == {"roleIds[0]": "not an organization role"}
    dup = [role_id("member"), role_id("member")]
    assert_error(api.put(url, json={"roleIds": dup}, headers=as_admin), 422, "validation_failed")


def test_replace_roles_emits_roles_changed_once(cast, api, as_admin):
    url = f"/org/members/{cast.member.member.id}/roles"
    new = [role_id("auditor"), role_id("billing_viewer")]
    assert api.put(url, json={"roleIds": new}, headers=as_admin).status_code == 204
    assert api.put(url, json={"roleIds": new}, headers=as_admin).status_code == 204  # same set: no event
    events = list(Event.objects.filter(type="member.roles_changed"))
    assert len(events) == 1
    data = events[0].data
    assert data == {
        "memberId": cast.member.member.id,
        "userId": cast.member.user.id,
        "email": "member@acme.test",
        "displayName": "Mia Member",
        "roleIds": [role_id("billing_viewer"), role_id("auditor")],
        "previousRoleIds": [role_id("member")],
        "actorMemberId": cast.admin.member.id,
    }
    assert events[0].resource_type == "member" and events[0].resource_name == "Mia Member"


def test_remove_ends_membership_teams_and_logins(cast, api, login, as_admin):
    tokens = login(cast.member)
    assert api.delete(f"/org/members/{cast.member.member.id}", headers=as_admin).status_code == 204
    assert not Member.objects.filter(pk=cast.member.member.pk).exists()
    assert cast.member.user.__class__.objects.filter(pk=cast.member.user.pk).exists()  # the account remains
    assert not Login.objects.filter(user=cast.member.user, revoked_at__isnull=True).exists()
    assert_error(api.get("/me", headers=bearer(tokens["accessToken"])), 401, "invalid_token")
    removed = Event.objects.get(type="member.removed")
    assert removed.data["actorMemberId"] == cast.admin.member.id
    assert removed.data["roleIds"] == [role_id("member")]
    team_event = Event.objects.get(type="team.member_removed")
    assert team_event.data == {
        "teamId": cast.team.id,
        "teamName": "Data Platform",
        "memberId": cast.member.member.id,
        "actorMemberId": cast.admin.member.id,
    }
    assert_error(api.delete(f"/org/members/{cast.member.member.id}", headers=as_admin), 404, "not_found")


def test_a_member_may_leave(cast, api, login):
    headers = bearer(login(cast.member)["accessToken"])
    assert api.delete(f"/org/members/{cast.member.member.id}", headers=headers).status_code == 204
    assert Event.objects.get(type="member.removed").data["actorMemberId"] == cast.member.member.id


def test_user_profile_change_elsewhere_keeps_sort_columns_in_sync(cast):
    user = cast.member.user
    user.display_name = "Zoe Quinn"
    user.email = "zoe@acme.test"
    user.save()
    member = Member.objects.get(pk=cast.member.member.pk)
    assert (member.sort_name, member.sort_email) == ("zoe quinn", "zoe@acme.test")
