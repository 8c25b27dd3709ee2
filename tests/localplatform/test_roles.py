"""GET /org/roles, /org/roles/{role}, /org/team-roles, /org/team-roles/{role} (§3.11)."""

import pytest

from localplatform.identity.catalog import BUNDLES, ROLES
from localplatform.identity.services import directory, members
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


@pytest.fixture
def headers(cast, login):
    return bearer(login(cast.member)["accessToken"])


def summaries(body):
    return {item["role"]["key"]: (item["memberCount"], item["permissionCount"]) for item in body["items"]}


def relations_of(key):
    return next(spec for spec in ROLES if spec.key == key).relations


def relation_count(key):
    return len(relations_of(key))


def test_org_roles_with_counts(cast, api, headers):
    body = ok(api.get("/org/roles", headers=headers))
    assert body["total"] == 5
    assert [item["role"]["name"] for item in body["items"]] == ["Admin", "Auditor", "Billing Viewer", "Member", "Owner"]
    assert summaries(body) == {
        "owner": (1, relation_count("owner")),
        "admin": (1, relation_count("admin")),
        "billing_viewer": (0, relation_count("billing_viewer")),
        "auditor": (0, relation_count("auditor")),
        "member": (1, relation_count("member")),
    }
    owner = next(item["role"] for item in body["items"] if item["role"]["key"] == "owner")
    assert owner["organizationId"] == cast.org.id
    assert (owner["scope"], owner["allTeams"], owner["breakGlass"]) == ("organization", True, True)


def test_counts_are_per_organization(cast, api, login):
    members.deactivate_member(cast.admin.member)  # still holds the role
    body = ok(api.get("/org/roles", headers=bearer(login(cast.outsider)["accessToken"])))
    assert summaries(body)["owner"][0] == 1
    assert summaries(body)["admin"][0] == 0
    assert {item["role"]["organizationId"] for item in body["items"]} == {cast.other_org.id}


def test_search_sort_and_pages(cast, api, headers):
    assert [i["role"]["key"] for i in ok(api.get("/org/roles?search=BILL", headers=headers))["items"]] == [
        "billing_viewer"
    ]
    # Matches descriptions too ("Reads everything in the organization, changes nothing.").
    assert [i["role"]["key"] for i in ok(api.get("/org/roles?search=changes nothing", headers=headers))["items"]] == [
        "auditor"
    ]
    desc = ok(api.get("/org/roles?sortBy=name&sortDirection=desc", headers=headers))
    assert [i["role"]["name"] for i in desc["items"]] == ["Owner", "Member", "Billing Viewer", "Auditor", "Admin"]
    page = ok(api.get("/org/roles?limit=2&page=2", headers=headers))
    assert page["total"] == 5 and [i["role"]["name"] for i in page["items"]] == ["Billing Viewer", "Member"]
    assert ok(api.get("/org/roles?limit=0", headers=headers)) == {"total": 5, "items": []}
    assert ok(api.get("/org/roles?page=9", headers=headers)) == {"total": 5, "items": []}


def test_team_roles_count_explicit_memberships(cast, api, headers):
    body = ok(api.get("/org/team-roles", headers=headers))
    assert [i["role"]["name"] for i in body["items"]] == ["Contributor", "Team Admin", "Viewer"]
    assert summaries(body) == {
        "contributor": (1, relation_count("contributor")),  # Mia
        "team_admin": (1, relation_count("team_admin")),  # Olivia created the team; admins' implicit rows don't count
        "viewer": (0, relation_count("viewer")),
    }
    assert all(i["role"]["scope"] == "team" and not i["role"]["allTeams"] for i in body["items"])


def test_role_detail_lists_permissions_and_complete_bundles(cast, api, headers):
    auditor = directory.role("auditor")
    body = ok(api.get(f"/org/roles/{auditor.id}", headers=headers))
    assert body["role"]["id"] == auditor.id
    relations = [p["relation"] for p in body["permissions"]]
    assert relations == sorted(relations_of("auditor"))
    assert body["permissionCount"] == len(relations)
    assert [b["key"] for b in body["bundles"]] == [
        "directory-read",
        "billing-read",
        "infrastructure-read",
        "workloads-read",
    ]
    workloads = next(b for b in body["bundles"] if b["key"] == "workloads-read")
    assert workloads["relations"] == sorted(BUNDLES["workloads-read"][2])


def test_owner_holds_every_bundle_and_member_only_the_directory(cast, api, headers):
    owner = ok(api.get(f"/org/roles/{directory.role('owner').id}", headers=headers))
    assert [b["key"] for b in owner["bundles"]] == list(BUNDLES)
    member = ok(api.get(f"/org/roles/{directory.role('member').id}", headers=headers))
    assert [b["key"] for b in member["bundles"]] == ["directory-read"]
    assert member["memberCount"] == 1


def test_team_role_detail(cast, api, headers):
    viewer = directory.role("viewer")
    body = ok(api.get(f"/org/team-roles/{viewer.id}", headers=headers))
    assert [b["key"] for b in body["bundles"]] == ["workloads-read"]
    assert body["role"]["organizationId"] == cast.org.id


def test_a_role_of_the_other_scope_is_not_found(cast, api, headers):
    assert_error(api.get(f"/org/roles/{directory.role('viewer').id}", headers=headers), 404, "not_found")
    assert_error(api.get(f"/org/team-roles/{directory.role('owner').id}", headers=headers), 404, "not_found")
    assert_error(api.get("/org/roles/NOSUCHROLE", headers=headers), 404, "not_found")
    assert_error(api.get("/org/roles/bad-id", headers=headers), 400, "invalid_request")


def test_roles_need_a_token(cast, api):
    assert_error(api.get("/org/roles"), 401, "unauthenticated")
    assert_error(api.get(f"/org/team-roles/{directory.role('viewer').id}"), 401, "unauthenticated")
