"""A team's page: members with roles, the add-member picker, role changes in the row, removal; who may do what."""

import json
import re

import httpx
import pytest

from localplatform.identity.models import TeamMember
from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from tests.client.support import assert_kept, faults, on, writes_fail
from tests.conftest import _person
from tests.console.test_dashboard import text_of
from tests.console.test_teams import calls, post_actions

HX = {"HX-Request": "true"}


@pytest.fixture
def newcomer(cast):
    return _person(cast.org, "nia@acme.test", "Nia", "Newcomer", "member")


def roles_in(team, person) -> set[str]:
    return {role.key for role in TeamMember.objects.get(team=team, member=person.member).roles.all()}


class TestPage:
    def test_owner_manages_members_with_two_calls(self, signed_in, cast):
        client = signed_in(cast.owner)
        client.get(f"/teams/{cast.team.id}")
        response = client.get(f"/teams/{cast.team.id}")
        assert calls(response) == [f"GET /org/teams/{cast.team.id}", f"GET /org/teams/{cast.team.id}/members"]
        text = text_of(response)
        assert "Data Platform" in text
        assert "3 members, 1 of them Team Admin (inherited) · new members join as Contributor" in text
        assert "Adam Admin admin@acme.test Team Admin inherited" in text
        assert "Mia Member member@acme.test Contributor Change" in text
        assert "Add a member" in text
        actions = post_actions(response)
        mia, olivia = cast.member.member.id, cast.owner.member.id
        # A row's roles form comes when its Change is opened (or, without JavaScript, from the link).
        assert f'hx-get="/teams/{cast.team.id}/members/{mia}/roles"' in response.content.decode()
        assert f"/teams/{cast.team.id}/members/{mia}/roles" not in actions
        assert f"/teams/{cast.team.id}/members/{mia}/remove" in actions
        assert f"/teams/{cast.team.id}/members/{olivia}/remove" in actions
        # The inherited admin can be neither re-roled nor removed here.
        assert not any(cast.admin.member.id in action for action in actions)

    def test_the_header_counts_the_rows_the_table_lists(self, signed_in, cast, newcomer):
        """Explicit members and those inherited through an org role: one number, in the header and the table."""
        client = signed_in(cast.member)
        response = client.get(f"/teams/{cast.team.id}")
        table = response.context["table"]
        assert table.total == 3 and response.context["summary"].member_count == 2
        assert "3 members, 1 of them Team Admin (inherited)" in text_of(response)
        assert "Owners and Admins are Team Admins of every team" in text_of(response)
        # Without inherited admins the header says just the count.
        team_service.add_member(cast.team, newcomer.member, None)
        cast.admin.member.roles.set([directory.role("member")])
        text = text_of(client.get(f"/teams/{cast.team.id}"))
        assert "3 members · new members join as Contributor" in text and "(inherited)" not in text

    def test_the_team_id_is_shown_with_a_copy_button(self, signed_in, cast):
        html = signed_in(cast.member).get(f"/teams/{cast.team.id}").content.decode()
        assert f'<code id="team-id">{cast.team.id}</code>' in html
        assert re.search(r'data-copy-target="team-id"[^>]*>Copy<span class="visually-hidden"> Team ID</span>', html)

    def test_team_admin_manages_their_own_team(self, signed_in, cast, team_admin):
        response = signed_in(team_admin).get(f"/teams/{cast.team.id}")
        assert "GET /me/teams" in calls(response)
        assert "Add a member" in text_of(response)
        assert f"/teams/{cast.team.id}/members/add" in post_actions(response)

    def test_team_admin_gets_no_admin_actions_on_another_team(self, signed_in, cast, team_admin, other_team):
        client = signed_in(team_admin)
        page = client.get(f"/teams/{other_team.id}")
        assert page.status_code == 200 and "Olivia Owner" in text_of(page)
        assert "Add a member" not in text_of(page) and post_actions(page) == []
        settings = client.get(f"/teams/{other_team.id}/settings")
        assert "Read-only" in text_of(settings) and post_actions(settings) == []
        # The platform refuses what the screen does not offer.
        assert client.post(f"/teams/{other_team.id}/members/{cast.owner.member.id}/remove").status_code == 403
        assert client.post(f"/teams/{other_team.id}/delete").status_code == 403
        assert TeamMember.objects.filter(team=other_team).count() == 1

    def test_contributor_sees_the_team_read_only(self, signed_in, cast, newcomer):
        client = signed_in(cast.member)
        page = client.get(f"/teams/{cast.team.id}")
        text = text_of(page)
        assert (
            "Mia Member" in text
            and "Olivia Owner" in text
            and "Adam Admin admin@acme.test Team Admin inherited" in text
        )
        assert "Add a member" not in text and "Change" not in text and post_actions(page) == []
        refused = client.post(f"/teams/{cast.team.id}/members/add", {"member_id": newcomer.member.id})
        assert refused.status_code == 403
        assert not TeamMember.objects.filter(member=newcomer.member).exists()

    def test_sort_and_paging_swap_the_table(self, signed_in, cast):
        response = signed_in(cast.owner).get(
            f"/teams/{cast.team.id}?sort=-email", headers={**HX, "HX-Target": "team-members"}
        )
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="team-members"') and "<html" not in html
        emails = re.findall(r'cell-secondary">([a-z]+@acme\.test)<', html)
        assert emails == ["owner@acme.test", "member@acme.test", "admin@acme.test"]

    def test_a_large_team_is_paged_keeping_the_sort(self, signed_in, cast):
        for n in range(30):
            person = _person(cast.org, f"p{n:02d}@acme.test", "Person", f"N{n:02d}", "member")
            team_service.add_member(cast.team, person.member, None)
        client = signed_in(cast.owner)
        response = client.get(f"/teams/{cast.team.id}?sort=-email&page=2", headers={**HX, "HX-Target": "team-members"})
        assert calls(response) == [f"GET /org/teams/{cast.team.id}", f"GET /org/teams/{cast.team.id}/members"]
        table = response.context["table"]
        assert [row.member.email for row in table.rows][:2] == ["p04@acme.test", "p03@acme.test"]
        assert "26\u201333 of 33" in text_of(response)
        html = response.content.decode()
        assert 'id="team-members-previous" href="?sort=-email"' in html  # back to page 1, sort kept
        assert 'aria-current="page" aria-label="Page 2"' in html

    def test_members_link_to_their_member_page_when_it_exists(self, signed_in, cast):
        from django.urls import NoReverseMatch, reverse

        html = signed_in(cast.owner).get(f"/teams/{cast.team.id}").content.decode()
        try:
            url = reverse("member_detail", args=[cast.member.member.id])
        except NoReverseMatch:
            assert "Mia Member</span>" in html
        else:
            assert f'href="{url}">Mia Member</a>' in html

    def test_unknown_team_and_platform_down(self, signed_in, cast):
        client = signed_in(cast.owner)
        assert client.get("/teams/NOSUCHTEAM").status_code == 404
        assert client.get("/teams/lower-case").status_code == 404
        with faults(on("/members", httpx.ReadTimeout("slow"))):
            assert client.get(f"/teams/{cast.team.id}").status_code == 503

    def test_another_organizations_team_is_not_found(self, signed_in, cast):
        client = signed_in(cast.outsider)
        assert client.get(f"/teams/{cast.team.id}").status_code == 404
        assert client.post(f"/teams/{cast.team.id}/members/{cast.member.member.id}/remove").status_code == 404
        assert TeamMember.objects.filter(team=cast.team).count() == 2

    def test_anonymous(self, client, cast):
        assert client.get(f"/teams/{cast.team.id}")["Location"] == f"/sign-in?next=%2Fteams%2F{cast.team.id}"


class TestPicker:
    def test_finds_members_as_you_type_with_one_call(self, signed_in, cast, newcomer):
        response = signed_in(cast.owner).get(
            f"/teams/{cast.team.id}/members/find?find=acme", headers={**HX, "HX-Target": "member-picker-results"}
        )
        assert calls(response)[-1:] == ["GET /org/members"] and response.wsgi_request.platform.calls == 1
        html = response.content.decode()
        assert html.lstrip().startswith('<fieldset id="member-picker-results"')
        assert re.search(rf'value="{newcomer.member.id}" id="pick-{newcomer.member.id}"\s*>', html)
        # Mia is already on the team: shown, not choosable.
        assert re.search(rf'value="{cast.member.member.id}" id="pick-{cast.member.member.id}" disabled', html)
        assert "Already on the team" in html

    def test_no_match(self, signed_in, cast):
        response = signed_in(cast.owner).get(
            f"/teams/{cast.team.id}/members/find?find=nobody", headers={**HX, "HX-Target": "member-picker-results"}
        )
        assert "No active member matches “nobody”." in text_of(response)

    def test_without_javascript_the_search_reloads_the_team_page(self, signed_in, cast, newcomer):
        client = signed_in(cast.owner)
        response = client.get(f"/teams/{cast.team.id}/members/find?find=nia")
        assert response.status_code == 302 and response["Location"] == f"/teams/{cast.team.id}?find=nia"
        page = client.get(response["Location"])
        assert "Nia Newcomer" in text_of(page) and 'value="nia"' in page.content.decode()


class TestAdd:
    def test_add_with_the_chosen_role(self, signed_in, cast, newcomer):
        client = signed_in(cast.owner)
        viewer = directory.role("viewer").id
        response = client.post(
            f"/teams/{cast.team.id}/members/add", {"member_id": newcomer.member.id, "role_id": viewer}
        )
        assert response.status_code == 302 and response["Location"] == f"/teams/{cast.team.id}"
        assert roles_in(cast.team, newcomer) == {"viewer"}
        added = f"PUT /org/teams/{cast.team.id}/members/{newcomer.member.id}"
        assert calls(response) == ["GET /org/team-roles", added]
        assert "Nia Newcomer added to the team." in text_of(client.get(response["Location"]))

    def test_the_teams_default_role_is_preselected_and_named(self, signed_in, cast):
        client = signed_in(cast.owner)
        html = client.get(f"/teams/{cast.team.id}").content.decode()
        add = re.search(r'<form id="member-add-form".*?</form>', html, re.S).group(0)
        assert 'type="checkbox"' not in add
        checked = re.findall(r'name="role_id" value="[A-Z0-9]+" id="add-role-([a-z_]+)" checked', add)
        assert checked == ["contributor"]
        assert 'for="add-role-contributor">Contributor <span class="role-choice-default">(default)</span>' in add
        assert "Contributor is this team&#x27;s default role." in add
        # The hint and the preselection follow the team's settings.
        team_service.update_team(cast.team, cast.owner.member, {"default_role": directory.role("viewer")})
        html = client.get(f"/teams/{cast.team.id}").content.decode()
        add = re.search(r'<form id="member-add-form".*?</form>', html, re.S).group(0)
        assert re.findall(r'name="role_id" value="[A-Z0-9]+" id="add-role-([a-z_]+)" checked', add) == ["viewer"]
        assert "Viewer is this team&#x27;s default role." in add

    def test_an_unknown_role_is_refused_at_the_roles(self, signed_in, cast, newcomer):
        response = signed_in(cast.owner).post(
            f"/teams/{cast.team.id}/members/add",
            {"member_id": newcomer.member.id, "role_id": directory.role("owner").id},
            headers={**HX, "HX-Target": "add-member"},
        )
        assert response.status_code == 422
        assert re.search(r'id="add-role-error" role="alert">Select a valid choice\.', response.content.decode())
        assert not TeamMember.objects.filter(member=newcomer.member).exists()

    def test_no_roles_means_the_team_default(self, signed_in, cast, newcomer):
        signed_in(cast.owner).post(f"/teams/{cast.team.id}/members/add", {"member_id": newcomer.member.id})
        assert roles_in(cast.team, newcomer) == {"contributor"}

    def test_nobody_chosen_keeps_the_search(self, signed_in, cast, newcomer):
        client = signed_in(cast.owner)
        response = client.post(f"/teams/{cast.team.id}/members/add", {"find": "ni"})
        assert response.status_code == 422
        html = response.content.decode()
        assert "<html" in html and "Choose a member to add." in text_of(response)
        assert (
            'id="id_find" name="find" value="ni"' in html
            and 'name="find" value="ni">' in html
            and "Nia Newcomer" in text_of(response)
        )
        assert "PUT" not in " ".join(calls(response))

    def test_already_on_the_team_is_said_at_the_picker(self, signed_in, cast):
        client = signed_in(cast.owner)
        response = client.post(
            f"/teams/{cast.team.id}/members/add",
            {"member_id": cast.member.member.id, "find": "mia"},
            headers={**HX, "HX-Target": "add-member"},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert html.lstrip().startswith('<section class="card mb-3" id="add-member"') and "<table" not in html
        assert re.search(r'id="member-pick-error">That member is already on the team\.', html)

    def test_platform_failing_on_submit_keeps_what_was_typed(self, signed_in, cast, newcomer):
        client = signed_in(cast.owner)
        viewer = directory.role("viewer").id
        with faults(writes_fail):
            response = client.post(
                f"/teams/{cast.team.id}/members/add",
                {"find": "nia@", "member_id": newcomer.member.id, "role_id": viewer},
                headers={**HX, "HX-Target": "add-member"},
            )
        assert response.status_code == 422
        assert_kept(response, {"find": "nia@"})
        html = response.content.decode()
        assert re.search(rf'value="{newcomer.member.id}" id="pick-{newcomer.member.id}" checked', html)
        checked = re.findall(r'name="role_id" value="([A-Z0-9]+)" id="add-role-[a-z_]+" checked', html)
        assert checked == [viewer]  # the chosen role, not the team's default
        assert not TeamMember.objects.filter(member=newcomer.member).exists()


class TestRoles:
    def test_inline_change_goes_back_to_the_team_page(self, signed_in, cast):
        client = signed_in(cast.owner)
        mia = cast.member.member.id
        viewer = directory.role("viewer").id
        response = client.post(
            f"/teams/{cast.team.id}/members/{mia}/roles",
            {"role_id": viewer},
            headers={**HX, "HX-Target": f"member-roles-{mia}"},
        )
        assert response.status_code == 200
        assert json.loads(response["HX-Location"])["path"] == f"/teams/{cast.team.id}"
        assert roles_in(cast.team, cast.member) == {"viewer"}
        # The member's detail names them and carries the team-role catalogue: two calls, as before.
        assert calls(response) == [f"GET /org/members/{mia}", f"PUT /org/teams/{cast.team.id}/members/{mia}/roles"]
        page = client.get(f"/teams/{cast.team.id}")
        assert "Mia Member is now Viewer in this team." in text_of(page)
        cell = re.search(rf'<div id="member-roles-{mia}".*?</summary>', page.content.decode(), re.S).group(0)
        assert re.findall(r'role-pill">([^<]+)<', cell) == ["Viewer"]

    def test_the_platform_gets_exactly_one_role(self, signed_in, cast):
        """A member has one role per team: the console sends one id, whatever the request carried."""
        mia = cast.member.member.id
        viewer, admin = directory.role("viewer").id, directory.role("team_admin").id
        response = signed_in(cast.owner).post(
            f"/teams/{cast.team.id}/members/{mia}/roles", {"role_id": [viewer, admin]}
        )
        assert response.status_code == 302
        assert len(roles_in(cast.team, cast.member)) == 1

    def test_change_loads_the_rows_form_with_its_role_chosen_in_one_call(self, signed_in, cast):
        mia = cast.member.member.id
        response = signed_in(cast.owner).get(
            f"/teams/{cast.team.id}/members/{mia}/roles", headers={**HX, "HX-Target": f"member-roles-{mia}"}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith(f'<div id="member-roles-{mia}"')
        assert '<details class="inline-form" open>' in html and f'id="member-roles-{mia}-change"' in html  # focus stays
        form = re.search(rf'<form id="roles-form-{mia}".*?</form>', html, re.S).group(0)
        assert 'type="checkbox"' not in form
        radios = re.findall(
            r'type="radio" name="role_id" value="([A-Z0-9]+)" id="roles-[A-Z0-9]+-([a-z_]+)"( checked)?', form
        )
        assert [(key, bool(checked)) for _, key, checked in radios] == [
            ("team_admin", False),
            ("contributor", True),
            ("viewer", False),
        ]
        assert calls(response) == [f"GET /org/members/{mia}"]

    def test_without_javascript_change_shows_the_page_with_the_row_open(self, signed_in, cast):
        mia, olivia = cast.member.member.id, cast.owner.member.id
        client = signed_in(cast.owner)
        page = client.get(f"/teams/{cast.team.id}").content.decode()
        assert f'<noscript><a class="btn btn-link btn-sm p-0" href="/teams/{cast.team.id}/members/{mia}/roles">' in page
        response = client.get(f"/teams/{cast.team.id}/members/{mia}/roles")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" in html and html.count('<form id="roles-form-') == 1
        row = re.search(rf'<div id="member-roles-{mia}".*?</form>', html, re.S).group(0)
        assert '<details class="inline-form" open>' in row and " checked" in row
        assert f'hx-get="/teams/{cast.team.id}/members/{olivia}/roles"' in html  # the other rows stay closed

    def test_a_member_with_several_roles_is_asked_to_choose_one(self, signed_in, cast):
        """Rows from before roles were single: nothing preselected, and the hint says saving keeps one."""
        membership = TeamMember.objects.get(team=cast.team, member=cast.member.member)
        membership.roles.add(directory.role("viewer"))
        mia = cast.member.member.id
        html = signed_in(cast.owner).get(f"/teams/{cast.team.id}/members/{mia}/roles", headers=HX).content.decode()
        form = re.search(rf'<form id="roles-form-{mia}".*?</form>', html, re.S).group(0)
        assert " checked" not in form
        assert f'aria-describedby="roles-{mia}-hint"' in form
        assert "A member has one role per team: saving keeps only the one you choose." in form

    def test_only_those_who_manage_the_team_get_the_form(self, signed_in, cast, client):
        url = f"/teams/{cast.team.id}/members/{cast.owner.member.id}/roles"
        assert client.get(url)["Location"] == f"/sign-in?next={url.replace('/', '%2F')}"
        member = signed_in(cast.member)
        assert member.get(url).status_code == 403
        assert member.get(url, headers=HX).status_code == 403
        assert "Team Admins can change team roles." in text_of(member.get(url))

    def test_an_unknown_member_is_not_found(self, signed_in, cast):
        assert signed_in(cast.owner).get(f"/teams/{cast.team.id}/members/ZZZZZZZZZZ/roles").status_code == 404

    def test_an_organization_member_who_is_not_on_the_team_is_not_found(self, signed_in, cast, newcomer):
        owner = signed_in(cast.owner)
        url = f"/teams/{cast.team.id}/members/{newcomer.member.id}/roles"
        page = owner.get(url)
        assert page.status_code == 404 and "Nia Newcomer is not a member of this team." in text_of(page)
        fragment = owner.get(url, headers=HX)  # a toast with the message, nothing swapped
        assert fragment.status_code == 404 and fragment["HX-Reswap"] == "none"
        assert "Nia Newcomer is not a member of this team." in fragment["HX-Trigger"]

    def test_no_role_is_refused_in_place(self, signed_in, cast):
        mia = cast.member.member.id
        response = signed_in(cast.owner).post(
            f"/teams/{cast.team.id}/members/{mia}/roles", {}, headers={**HX, "HX-Target": f"member-roles-{mia}"}
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert html.lstrip().startswith(f'<div id="member-roles-{mia}"')
        assert re.search(rf'id="roles-{mia}-error" role="alert">Choose a team role\.<', html)
        assert '<details class="inline-form" open>' in html and " checked" not in html  # nothing was chosen
        assert re.findall(r'role-pill">([^<]+)<', html) == ["Contributor"]  # what the member still has
        assert roles_in(cast.team, cast.member) == {"contributor"}
        assert "PUT" not in " ".join(calls(response))

    def test_an_organization_role_is_not_a_team_role(self, signed_in, cast):
        mia = cast.member.member.id
        response = signed_in(cast.owner).post(
            f"/teams/{cast.team.id}/members/{mia}/roles",
            {"role_id": directory.role("admin").id},
            headers={**HX, "HX-Target": f"member-roles-{mia}"},
        )
        assert response.status_code == 422
        assert "Select a valid choice." in text_of(response)
        assert roles_in(cast.team, cast.member) == {"contributor"}

    def test_platform_failing_on_submit_keeps_the_choice(self, signed_in, cast):
        mia = cast.member.member.id
        viewer = directory.role("viewer").id
        client = signed_in(cast.owner)
        with faults(writes_fail):
            response = client.post(
                f"/teams/{cast.team.id}/members/{mia}/roles",
                {"role_id": viewer},
                headers={**HX, "HX-Target": f"member-roles-{mia}"},
            )
        assert response.status_code == 422
        assert_kept(response, {})
        html = response.content.decode()
        assert re.findall(r'value="([A-Z0-9]+)" id="roles-[A-Z0-9]+-[a-z_]+" checked', html) == [viewer]
        assert re.search(rf'id="roles-form-{mia}-alert"[^>]*role="alert">', html)  # shown, not hidden
        assert roles_in(cast.team, cast.member) == {"contributor"}

    def test_without_javascript_a_refusal_shows_the_page_with_the_row_open(self, signed_in, cast):
        mia = cast.member.member.id
        client = signed_in(cast.owner)
        with faults(writes_fail):
            response = client.post(
                f"/teams/{cast.team.id}/members/{mia}/roles", {"role_id": directory.role("viewer").id}
            )
        assert response.status_code == 422
        assert "<html" in response.content.decode()
        assert_kept(response, {})
        row = re.search(rf'<div id="member-roles-{mia}".*?</form>', response.content.decode(), re.S).group(0)
        assert '<details class="inline-form" open>' in row and "nothing was saved" in row.lower()

    def test_without_javascript_back_to_the_page(self, signed_in, cast):
        client = signed_in(cast.owner)
        response = client.post(
            f"/teams/{cast.team.id}/members/{cast.member.member.id}/roles", {"role_id": directory.role("viewer").id}
        )
        assert response.status_code == 302
        assert roles_in(cast.team, cast.member) == {"viewer"}

    def test_contributor_cannot_change_roles(self, signed_in, cast):
        response = signed_in(cast.member).post(
            f"/teams/{cast.team.id}/members/{cast.owner.member.id}/roles", {"role_id": directory.role("viewer").id}
        )
        assert response.status_code == 403
        assert roles_in(cast.team, cast.owner) == {"team_admin"}


class TestRemove:
    def test_remove(self, signed_in, cast):
        client = signed_in(cast.owner)
        response = client.post(f"/teams/{cast.team.id}/members/{cast.member.member.id}/remove")
        assert response.status_code == 302
        assert not TeamMember.objects.filter(member=cast.member.member).exists()
        assert "Member removed from the team. They stay in the organization." in text_of(
            client.get(response["Location"])
        )

    def test_remove_is_post_only_and_needs_a_member_on_the_team(self, signed_in, cast, newcomer):
        client = signed_in(cast.owner)
        assert client.get(f"/teams/{cast.team.id}/members/{cast.member.member.id}/remove").status_code == 405
        assert client.post(f"/teams/{cast.team.id}/members/{newcomer.member.id}/remove").status_code == 404
