"""Teams screens: the list (search, sort, paging, create dialog), settings, deletion; permissions and call counts."""

import json
import re

import httpx
import pytest

from localplatform.identity.models import Team
from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from tests.client.support import assert_kept, error_response, faults, on, writes_fail
from tests.console.test_dashboard import text_of

HX = {"HX-Request": "true"}


def calls(response) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def post_actions(response) -> list[str]:
    """Where the page's POST forms go (theme and sign-out, of the user menu, left out)."""
    html = response.content.decode()
    actions = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)
    return sorted(set(actions) - {"/theme", "/sign-out"})


class TestList:
    def test_owner_sees_teams_with_member_counts_and_can_create(self, signed_in, cast, other_team):
        client = signed_in(cast.owner)
        client.get("/teams")  # the first screen learns the caller's org relations (cached in the session)
        response = client.get("/teams")
        assert response.status_code == 200
        text = text_of(response)
        assert "Data Platform Runs the lakehouse. 2 members" in text
        assert "Growth Experiments and funnels 1 member" in text
        assert "2 teams" in text
        assert 'href="/teams/new"' in response.content.decode() and "New team" in text
        assert calls(response) == ["GET /org/teams"]

    def test_member_reads_without_a_create_action(self, signed_in, cast):
        response = signed_in(cast.member).get("/teams")
        assert response.status_code == 200
        assert "Data Platform" in text_of(response)
        assert "/teams/new" not in response.content.decode()
        assert "New team" not in text_of(response)

    def test_search_sort_and_page_live_in_the_url(self, signed_in, cast, other_team):
        client = signed_in(cast.owner)
        for n in range(30):
            team_service.create_team(cast.org, f"Squad {n:02d}", None)
        response = client.get("/teams?q=squad&sort=-name&page=2")
        names = [summary.team.name for summary in response.context["table"].rows]
        assert names == ["Squad 04", "Squad 03", "Squad 02", "Squad 01", "Squad 00"]
        html = response.content.decode()
        assert 'value="squad"' in html
        assert "26\u201330 of 30" in text_of(response)  # an en dash
        assert 'id="team-table-previous" href="?q=squad&amp;sort=-name"' in html  # paging keeps search and sort
        assert 'href="?q=squad&amp;sort=name"' in html  # so does sorting, back to the first page
        assert 'aria-sort="descending"' in html

    def test_search_as_you_type_returns_only_the_table(self, signed_in, cast, other_team):
        response = signed_in(cast.owner).get("/teams?q=GROW", headers={**HX, "HX-Target": "team-table"})
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="team-table"')
        assert "<html" not in html and "Growth" in html and "Data Platform" not in html
        assert 'hx-swap-oob="innerHTML:#team-table-count">1 team matches' in html
        assert "HX-Request" in response["Vary"]

    def test_no_match(self, signed_in, cast):
        response = signed_in(cast.owner).get("/teams?q=zzz&sort=-name")
        assert "No teams match" in text_of(response)
        assert re.search(r'<a class="btn[^"]*" href="\?sort=-name"[^>]*>\s*Clear search', response.content.decode())

    def test_an_organization_without_teams_invites_its_owner_to_create_one(self, signed_in, cast):
        response = signed_in(cast.outsider).get("/teams")
        assert "No teams yet" in text_of(response)
        assert re.search(
            r'<a class="btn btn-primary btn-sm" href="/teams/new">Create team</a>', response.content.decode()
        )

    def test_an_empty_list_offers_no_create_action_to_who_may_not_create(self, signed_in, cast):
        Team.objects.filter(organization=cast.org).delete()
        response = signed_in(cast.member).get("/teams")
        assert "No teams yet" in text_of(response) and "Owners and Admins create teams." in text_of(response)
        assert "/teams/new" not in response.content.decode()

    def test_invalid_query_values_fall_back(self, signed_in, cast):
        response = signed_in(cast.owner).get("/teams?sort=colour&page=-3")
        assert response.status_code == 200 and response.context["table"].query.sort_value == "name"
        assert response.context["table"].query.page_number == 1

    def test_anonymous_and_unavailable(self, client, signed_in, cast):
        assert client.get("/teams")["Location"] == "/sign-in?next=%2Fteams"
        client = signed_in(cast.owner)
        with faults(on("/org/teams", httpx.ConnectError("refused"))):
            response = client.get("/teams")
        assert response.status_code == 503

    def test_expired_login_goes_back_to_sign_in(self, signed_in, cast):
        client = signed_in(cast.owner)
        with faults(on("/org/teams", error_response(401, "invalid_token"))):
            response = client.get("/teams")
        assert response.status_code == 302 and response["Location"].startswith("/sign-in?next=%2Fteams")

    def test_navigation_has_teams(self, signed_in, cast):
        html = signed_in(cast.member).get("/teams").content.decode()
        assert re.search(r'<a class="app-nav-link" href="/teams" aria-current="page">', html)


class TestCreate:
    def test_create_page_and_dialog(self, signed_in, cast):
        client = signed_in(cast.owner)
        page = client.get("/teams/new")
        assert page.status_code == 200 and "<html" in page.content.decode()
        # One default role, chosen with radios; Contributor preselected (§3.10.2).
        chosen = re.findall(
            r'name="default_role_id" value="[A-Z0-9]+" id="default-role-([a-z_]+)"( checked)?', page.content.decode()
        )
        assert [(key, bool(checked)) for key, checked in chosen] == [
            ("team_admin", False),
            ("contributor", True),
            ("viewer", False),
        ]
        dialog = client.get("/teams/new", headers={**HX, "HX-Target": "team-form"})
        assert dialog.content.decode().lstrip().startswith('<form id="team-form"')

    def test_create_goes_to_the_new_team(self, signed_in, cast):
        client = signed_in(cast.admin)
        viewer = directory.role("viewer").id
        response = client.post("/teams/new", {"name": "Growth", "description": "Funnels", "default_role_id": viewer})
        team = Team.objects.get(name="Growth")
        assert response.status_code == 302 and response["Location"] == f"/teams/{team.id}"
        assert team.default_role_id == viewer and team.description == "Funnels"
        assert calls(response)[-2:] == ["GET /org/team-roles", "POST /org/teams"]
        page = client.get(response["Location"])
        assert "Team “Growth” created. You are its Team Admin." in text_of(page)

    def test_htmx_create_swaps_in_the_new_team_without_a_reload(self, signed_in, cast):
        client = signed_in(cast.owner)
        response = client.post(
            "/teams/new",
            {"name": "Ops", "default_role_id": directory.role("contributor").id},
            headers={**HX, "HX-Target": "team-form"},
        )
        assert response.status_code == 200
        location = json.loads(response["HX-Location"])
        assert location["path"] == f"/teams/{Team.objects.get(name='Ops').id}"
        assert location["target"] == "body"

    @pytest.mark.parametrize("typed", ["data platform", "DATA PLATFORM", "Data Platform"])
    def test_existing_name_in_any_case_is_an_error_at_the_name_field_keeping_input(self, signed_in, cast, typed):
        client = signed_in(cast.owner)
        response = client.post(
            "/teams/new",
            {"name": typed, "description": "Second try", "default_role_id": directory.role("viewer").id},
            headers={**HX, "HX-Target": "team-form"},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert html.lstrip().startswith('<form id="team-form"')
        assert re.search(r'id="id_name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_name"', html)
        assert 'id="id_name_error"' in html and "already exists" in html
        assert f'value="{typed}"' in html and "Second try</textarea>" in html
        assert re.search(rf'value="{directory.role("viewer").id}"[^>]*\s+checked', html)
        assert Team.objects.filter(organization=cast.org).count() == 1

    def test_blank_or_long_fields_never_reach_the_platform(self, signed_in, cast):
        client = signed_in(cast.owner)
        response = client.post("/teams/new", {"name": "  ", "description": "x" * 1024})
        assert response.status_code == 422
        assert response.context["form"].errors.keys() == {"name", "description", "default_role_id"}
        assert "POST /org/teams" not in calls(response)

    def test_platform_field_errors_land_on_the_form(self, signed_in, cast):
        client = signed_in(cast.owner)
        refusal = error_response(422, "validation_failed", fieldErrors={"defaultRoleId": "must be a team role"})
        with faults(on("/org/teams", refusal, method="POST")):
            response = client.post("/teams/new", {"name": "Ops", "default_role_id": directory.role("viewer").id})
        assert response.status_code == 422
        assert response.context["form"].errors == {"default_role_id": ["must be a team role"]}

    def test_platform_failing_on_submit_keeps_what_was_typed(self, signed_in, cast):
        client = signed_in(cast.owner)
        viewer = directory.role("viewer").id
        typed = {"name": "Ops & Reliability", "description": "Keeps <everything> running"}
        with faults(writes_fail):
            response = client.post(
                "/teams/new", {**typed, "default_role_id": viewer}, headers={**HX, "HX-Target": "team-form"}
            )
        assert response.status_code == 422
        assert response.content.decode().lstrip().startswith('<form id="team-form"')
        assert_kept(response, typed)
        assert re.search(rf'value="{viewer}"[^>]*\s+checked', response.content.decode())
        assert not Team.objects.filter(name="Ops & Reliability").exists()

    def test_members_and_team_admins_cannot_create(self, signed_in, cast, team_admin):
        assert signed_in(cast.member).get("/teams/new").status_code == 403
        response = signed_in(team_admin).post("/teams/new", {"name": "Mine"})
        assert response.status_code == 403
        assert not Team.objects.filter(name="Mine").exists()

    def test_only_get_and_post(self, signed_in, cast):
        assert signed_in(cast.owner).delete("/teams/new").status_code == 405


class TestSettings:
    def test_rename_and_default_role(self, signed_in, cast):
        client = signed_in(cast.owner)
        url = f"/teams/{cast.team.id}/settings"
        page = client.get(url)
        assert 'value="Data Platform"' in page.content.decode() and "Delete team" in text_of(page)
        assert "2 members will lose their roles in Data Platform" in text_of(page)
        response = client.post(
            url, {"name": "Lakehouse", "description": "", "default_role_id": directory.role("viewer").id}
        )
        assert response.status_code == 302 and response["Location"] == url
        cast.team.refresh_from_db()
        assert (cast.team.name, cast.team.description) == ("Lakehouse", None)
        assert "Team settings saved." in text_of(client.get(url))

    def test_name_clash_is_shown_at_the_field(self, signed_in, cast, other_team):
        client = signed_in(cast.owner)
        response = client.post(
            f"/teams/{cast.team.id}/settings",
            {"name": "GROWTH", "description": "", "default_role_id": directory.role("viewer").id},
            headers={**HX, "HX-Target": "team-settings-form"},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert html.lstrip().startswith('<form id="team-settings-form"') and 'value="GROWTH"' in html
        assert "already exists" in html

    def test_platform_failing_on_submit_keeps_what_was_typed(self, signed_in, cast):
        client = signed_in(cast.owner)
        viewer = directory.role("viewer").id
        typed = {"name": "Lakehouse", "description": "Tables & pipelines"}
        with faults(writes_fail):
            response = client.post(f"/teams/{cast.team.id}/settings", {**typed, "default_role_id": viewer})
        assert response.status_code == 422
        assert "<html" in response.content.decode()  # without htmx: the whole settings tab again
        assert_kept(response, typed)
        assert re.search(rf'value="{viewer}"[^>]*\s+checked', response.content.decode())
        cast.team.refresh_from_db()
        assert cast.team.name == "Data Platform"

    def test_contributor_reads_settings_without_form_or_delete(self, signed_in, cast):
        response = signed_in(cast.member).get(f"/teams/{cast.team.id}/settings")
        text = text_of(response)
        assert "Read-only" in text and "Runs the lakehouse." in text and "Contributor" in text
        assert "Delete team" not in text and '<form id="team-settings-form"' not in response.content.decode()
        refused = signed_in(cast.member).post(
            f"/teams/{cast.team.id}/settings", {"name": "Mine", "default_role_id": directory.role("viewer").id}
        )
        assert refused.status_code == 403
        cast.team.refresh_from_db()
        assert cast.team.name == "Data Platform"

    def test_unknown_and_malformed_team(self, signed_in, cast):
        client = signed_in(cast.owner)
        assert client.get("/teams/NOSUCHTEAM/settings").status_code == 404
        assert client.get("/teams/not-an-id/settings").status_code == 404


class TestDelete:
    def test_delete_goes_back_to_the_list(self, signed_in, cast):
        client = signed_in(cast.owner)
        response = client.post(f"/teams/{cast.team.id}/delete")
        assert response.status_code == 302 and response["Location"] == "/teams"
        assert not Team.objects.filter(id=cast.team.id).exists()
        text = text_of(client.get("/teams"))
        assert "Team “Data Platform” deleted. 2 members lost their roles in it" in text

    def test_contributor_cannot_delete(self, signed_in, cast):
        assert signed_in(cast.member).post(f"/teams/{cast.team.id}/delete").status_code == 403
        assert Team.objects.filter(id=cast.team.id).exists()

    def test_delete_is_post_only_and_needs_a_team(self, signed_in, cast):
        client = signed_in(cast.owner)
        assert client.get(f"/teams/{cast.team.id}/delete").status_code == 405
        assert client.post("/teams/NOSUCHTEAM/delete").status_code == 404
