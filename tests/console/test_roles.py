"""Roles: both catalogues with counts, one role's permissions by object type and bundles, the permission catalogue."""

import httpx

from localplatform.identity.services import directory
from tests.client.support import faults, on
from tests.console.test_dashboard import text_of
from tests.console.test_members import calls_of


def test_roles_list_shows_both_catalogues_with_two_calls(signed_in, cast):
    response = signed_in(cast.member).get("/roles")
    assert response.status_code == 200
    assert calls_of(response) == ["GET /org/roles", "GET /org/team-roles"]
    text = text_of(response)
    assert "Organization roles 5 roles" in text and "Team roles 3 roles" in text
    assert "Owner Break-glass Team Admin inherited" in text and "Every team" not in text
    html = response.content.decode()
    assert f'href="/roles/{directory.role("admin").id}"' in html
    assert f'href="/roles/team/{directory.role("viewer").id}"' in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # read-only


def test_role_detail_groups_permissions_and_lists_bundles(signed_in, cast):
    response = signed_in(cast.member).get(f"/roles/{directory.role('admin').id}")
    assert response.status_code == 200
    assert calls_of(response) == [f"GET /org/roles/{directory.role('admin').id}"]
    text = text_of(response)
    assert "Organization role Admin" in text and "Members 1" in text
    assert "Organization CanAssignRoles" in text and "CanViewOrganization" in text
    assert "Catalogs CanManageCatalogs" in text
    assert "Bundles" in text and "Workloads administration" in text
    assert "CanManageOrganization" not in text  # an Owner-only relation


def test_team_role_detail(signed_in, cast):
    text = text_of(signed_in(cast.member).get(f"/roles/team/{directory.role('viewer').id}"))
    assert "Team role Viewer" in text and "CanViewJobs" in text and "CanManageJobs" not in text


def test_a_role_of_the_other_scope_is_not_found(signed_in, cast):
    client = signed_in(cast.owner)
    assert client.get(f"/roles/{directory.role('viewer').id}").status_code == 404
    assert client.get(f"/roles/team/{directory.role('owner').id}").status_code == 404
    assert client.get("/roles/not-an-id").status_code == 404


def test_permission_catalogue(signed_in, cast):
    response = signed_in(cast.member).get("/roles/permissions")
    assert calls_of(response) == ["GET /auth/permissions"]
    text = text_of(response)
    assert "CanSubmitMetering" in text and "System only" in text
    assert "Secrets CanManageSecrets" in text and "CanUseSecrets Read secret metadata" in text


def test_anonymous_and_outage(client, signed_in, cast):
    assert client.get("/roles")["Location"] == "/sign-in?next=%2Froles"
    member = signed_in(cast.member)
    with faults(on("/org/team-roles", httpx.ConnectError("refused"))):
        assert member.get("/roles").status_code == 503


def test_navigation_has_members_and_roles(signed_in, cast):
    html = signed_in(cast.member).get("/roles").content.decode()
    assert 'href="/members"' in html and 'href="/roles" aria-current="page"' in html
