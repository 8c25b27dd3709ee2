"""Members directory and member detail: what each person sees, platform calls per screen, refusals in place."""

import re

import httpx
import pytest

from localplatform.identity.models import Member
from localplatform.identity.services import directory
from tests.client.support import assert_kept, faults, on, session_auth, writes_fail
from tests.console.test_dashboard import text_of


def calls_of(response) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def warm(client) -> None:
    """One visit learns the caller's permissions (GET /org/roles/{role}) and keeps them in the session."""
    assert client.get("/members").status_code == 200


def test_owner_sees_the_directory_with_roles_and_teams(signed_in, cast):
    response = signed_in(cast.owner).get("/members")
    assert response.status_code == 200
    text = text_of(response)
    assert "3 members" in text
    assert "Mia Member member@acme.test Member Data Platform Active Not set up Never" in text
    # Owners and Admins are in every team: the one phrasing of the implicit team admin (glossary).
    assert "Olivia Owner owner@acme.test Owner Team Admin inherited" in text
    assert "Adam Admin admin@acme.test Admin Team Admin inherited" in text
    assert "Every team" not in text
    html = response.content.decode()
    assert 'aria-label="Select Mia Member"' in html
    assert 'name="action" value="roles"' in html and 'name="action" value="remove"' in html
    assert 'data-dialog="invite-dialog"' in html and "Pending invitations" in html


def test_members_page_makes_two_platform_calls(signed_in, cast):
    client = signed_in(cast.owner)
    warm(client)
    response = client.get("/members?q=mia&sort=-email&status=active")
    assert calls_of(response) == ["GET /org/teams", "GET /org/members"]
    assert response.wsgi_request.platform.calls == 2


def test_even_the_first_visit_makes_two_calls(signed_in, cast):
    client = signed_in(cast.owner)  # sign-in learned the caller's permissions
    assert calls_of(client.get("/members")) == ["GET /org/teams", "GET /org/members"]
    assert calls_of(client.get("/members")) == ["GET /org/teams", "GET /org/members"]


def test_plain_member_sees_a_read_only_directory(signed_in, cast):
    response = signed_in(cast.member).get("/members")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mia Member" in html and "Olivia Owner" in html
    assert "data-select-row" not in html and "data-select-all" not in html
    assert "Change roles" not in html and "Invite members" not in html and "Pending invitations" not in html
    assert "data-bulk-bar" not in html and 'name="action"' not in html


def test_search_filters_sort_and_page_live_in_the_url(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.get(f"/members?q=ADAM&role={directory.role('admin').id}")
    assert [entry.member.email for entry in response.context["table"].rows] == ["admin@acme.test"]
    assert "1 member matches" in text_of(response)
    response = client.get("/members?sort=-name")
    assert [e.member.display_name for e in response.context["table"].rows] == [
        "Olivia Owner",
        "Mia Member",
        "Adam Admin",
    ]
    html = response.content.decode()
    assert re.search(
        r'<th scope="col" class="" aria-sort="descending">\s*'
        r'<a class="sort-link" id="member-table-sort-name" href="\?sort=name"',
        html,
    )
    response = client.get(f"/members?team={cast.team.id}&sort=email")
    # Owner and Admin are implicit Team Admins of every team (allTeams), Mia an explicit member.
    assert [e.member.email for e in response.context["table"].rows] == [
        "admin@acme.test",
        "member@acme.test",
        "owner@acme.test",
    ]


def test_mfa_column_says_who_has_set_it_up(signed_in, cast):
    cast.admin.user.mfa_enabled = True
    cast.admin.user.save()
    response = signed_in(cast.owner).get("/members")
    headers = re.findall(r'<th scope="col"[^>]*>\s*(?:<a[^>]*>)?([A-Za-z -]+)', response.content.decode())
    assert headers == ["Name", "Email", "Roles", "Teams", "Status", "MFA", "Last sign-in"]
    text = text_of(response)
    hint = "(Owners and Admins are Team Admins of every team)"
    assert f"Adam Admin admin@acme.test Admin Team Admin inherited {hint} Active Enabled" in text
    assert "Mia Member member@acme.test Member Data Platform Active Not set up" in text
    # Sorting stays with the contract's keys (§3.13.1): name and email only, MFA is not a sort link.
    assert re.findall(r'id="member-table-sort-([a-z]+)"', response.content.decode()) == ["name", "email"]
    assert response.context["table"].query.sort_value == "name"
    assert signed_in(cast.owner).get("/members?sort=mfa").context["table"].query.sort_value == "name"


def test_team_names_link_to_the_team(signed_in, cast):
    html = signed_in(cast.member).get("/members").content.decode()
    assert f'<a href="/teams/{cast.team.id}">Data Platform</a>' in html


def test_active_filters_show_as_chips_with_clear_filters(signed_in, cast):
    client = signed_in(cast.owner)
    admin = directory.role("admin").id
    response = client.get(f"/members?role={admin}&status=active&sort=-email")
    html = response.content.decode()
    chips = re.findall(r'class="filter-chip"[^>]*href="([^"]+)"[^>]*>([^<]+)<', html)
    assert [label for _, label in chips] == ["Role: Admin", "Status: Active"]
    # Each chip drops only its own filter; "Clear filters" drops both and keeps the sort.
    assert dict((label, href) for href, label in chips)["Role: Admin"] == "?status=active&amp;sort=-email"
    assert re.search(r'class="filter-chips-clear"[^>]*href="\?sort=-email"', html)
    unfiltered = text_of(client.get("/members"))
    assert "Filtered by" not in unfiltered and "Clear filters" not in unfiltered


def test_bad_query_values_fall_back_instead_of_failing(signed_in, cast):
    response = signed_in(cast.owner).get("/members?sort=evil&page=-3&role=not-an-id&status=gone&type=x")
    assert response.status_code == 200
    assert len(response.context["table"].rows) == 3


def test_htmx_search_returns_the_table_and_the_count(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.get("/members?q=mia", headers={"HX-Request": "true", "HX-Target": "member-table"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="member-table"')
    assert "<html" not in html and "Mia Member" in html and "Adam Admin" not in html
    assert 'hx-swap-oob="innerHTML:#member-table-count">1 member matches' in html
    assert "HX-Request" in response["Vary"]


def test_pages_of_fifty(signed_in, cast):
    for n in range(55):
        user = directory.create_user(f"p{n:02}@acme.test", "x" * 16, "Person", f"{n:02}", email_verified=True)
        directory.add_member(cast.org, user, [directory.role("member")])
    client = signed_in(cast.owner)
    page2 = client.get("/members?page=2")
    assert len(page2.context["table"].rows) == 8
    assert "51\N{EN DASH}58 of 58" in text_of(page2)


def test_empty_result_offers_to_clear(signed_in, cast):
    text = text_of(signed_in(cast.owner).get("/members?q=nobody-by-this-name"))
    assert "No members match" in text and "Clear filters" in text and "0 members match" in text


def test_anonymous_is_sent_to_sign_in(client, cast):
    response = client.get("/members")
    assert response.status_code == 302 and response["Location"] == "/sign-in?next=%2Fmembers"
    assert client.get(f"/members/{cast.member.member.id}").status_code == 302


def test_revoked_login_is_sent_to_sign_in(signed_in, cast, api):
    client = signed_in(cast.owner)
    assert api.post("/auth/logout", headers=session_auth(client.session, "POST", "/auth/logout")).status_code == 204
    response = client.get("/members?q=mia")
    assert response.status_code == 302 and response["Location"] == "/sign-in?next=%2Fmembers%3Fq%3Dmia"


def test_unreachable_platform_is_a_retry_page(signed_in, cast):
    client = signed_in(cast.owner)
    warm(client)
    with faults(on("/org/members", httpx.ConnectError("refused"))):
        response = client.get("/members")
    assert response.status_code == 503


def test_outsider_never_sees_acme_members(signed_in, cast):
    client = signed_in(cast.outsider)
    text = text_of(client.get("/members"))
    assert "Mia Member" not in text and "1 member" in text
    assert client.get(f"/members/{cast.member.member.id}").status_code == 404


# --- detail ------------------------------------------------------------------------------------


def test_member_detail_shows_profile_roles_and_teams(signed_in, cast):
    client = signed_in(cast.owner)
    warm(client)
    response = client.get(f"/members/{cast.member.member.id}")
    assert response.status_code == 200
    # The member, and the account that those who administer it see: two calls.
    assert calls_of(response) == [f"GET /org/members/{cast.member.member.id}", f"GET /users/{cast.member.user.id}"]
    text = text_of(response)
    assert "Mia Member" in text and "member@acme.test" in text
    assert "Account type Managed" in text and "Multi-factor authentication Not set up" in text
    assert "Last sign-in Never" in text
    assert "Team Team role Data Platform Contributor" in text
    html = response.content.decode()
    assert 'name="roles"' in html and "Save roles" in html and "Remove Mia Member" in html


def test_member_page_shows_the_id_with_a_copy_button(signed_in, cast):
    mia = cast.member.member.id
    html = signed_in(cast.member).get(f"/members/{mia}").content.decode()  # anyone who sees the page
    assert f'<code id="member-id">{mia}</code>' in html
    assert re.search(r'<button type="button" class="[^"]*requires-js" data-copy-target="member-id"[^>]*>Copy<', html)


def test_inherited_team_admin_is_phrased_once(signed_in, cast):
    text = text_of(signed_in(cast.owner).get(f"/members/{cast.admin.member.id}"))
    assert "Data Platform Team Admin inherited (Owners and Admins are Team Admins of every team)" in text
    assert "Implicit" not in text and "Every team" not in text


def test_admin_is_not_offered_the_owner_role(signed_in, cast):
    client = signed_in(cast.admin)
    html = client.get(f"/members/{cast.member.member.id}").content.decode()
    owner_id = directory.role("owner").id
    assert f'value="{owner_id}"' not in html and "Save roles" in html
    # ... nor the removal of an Owner.
    owner_page = client.get(f"/members/{cast.owner.member.id}").content.decode()
    assert "Remove Olivia Owner" not in owner_page


def test_admin_is_not_offered_to_change_an_owners_roles(signed_in, cast):
    """§1.13 (revised 2026-12): any role of an Owner is an Owner's to change; an Admin sees them read-only."""
    client = signed_in(cast.admin)
    html = client.get(f"/members/{cast.owner.member.id}").content.decode()
    assert "Save roles" not in html and 'name="roles"' not in html
    assert "Only an Owner can change the roles of a member who holds the Owner role." in html
    # A stale form posted anyway: the platform's refusal shows at the roles, nothing changes.
    response = client.post(f"/members/{cast.owner.member.id}/roles", {"roles": [directory.role("auditor").id]})
    assert response.status_code == 422 and "Only an Owner" in response.content.decode()
    assert [role.key for role in cast.owner.member.roles.all()] == ["owner"]


def test_owner_changes_another_owners_roles(signed_in, cast):
    cast.admin.member.roles.add(directory.role("owner"))
    html = signed_in(cast.owner).get(f"/members/{cast.admin.member.id}").content.decode()
    assert "Save roles" in html and "Only an Owner can change" not in html


def test_plain_member_sees_a_read_only_detail(signed_in, cast):
    html = signed_in(cast.member).get(f"/members/{cast.admin.member.id}").content.decode()
    assert "Adam Admin" in html and "Save roles" not in html and 'name="roles"' not in html
    assert "Remove Adam Admin" not in html


def test_roles_are_replaced(signed_in, cast):
    client = signed_in(cast.owner)
    admin, auditor = directory.role("admin").id, directory.role("auditor").id
    response = client.post(f"/members/{cast.member.member.id}/roles", {"roles": [admin, auditor]})
    assert response.status_code == 302
    held = set(cast.member.member.roles.values_list("id", flat=True))
    assert held == {admin, auditor}


def test_break_glass_role_needs_confirmation(signed_in, cast):
    client = signed_in(cast.owner)
    owner_id = directory.role("owner").id
    response = client.post(f"/members/{cast.member.member.id}/roles", {"roles": [owner_id]})
    assert response.status_code == 422
    assert "Confirm that you mean to grant a break-glass role." in text_of(response)
    assert "checked data-break-glass" in response.content.decode()  # the choice is kept
    response = client.post(
        f"/members/{cast.member.member.id}/roles", {"roles": [owner_id], "confirm_break_glass": "on"}
    )
    assert response.status_code == 302


def test_no_role_at_all_is_refused_at_the_field(signed_in, cast):
    response = signed_in(cast.owner).post(f"/members/{cast.member.member.id}/roles", {})
    assert response.status_code == 422
    assert "Choose at least one role." in text_of(response)


def test_demoting_the_last_owner_is_refused_at_the_editor(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.post(f"/members/{cast.owner.member.id}/roles", {"roles": [directory.role("admin").id]})
    assert response.status_code == 422  # the form again, with the platform's refusal on it
    text = text_of(response)
    assert "Organization roles" in text and "Owner" in text
    error = re.search(
        r'<div id="roles-form-alert" class="alert alert-danger[^>]*role="alert">.*?<div data-alert-text>(.*?)</div>',
        response.content.decode(),
        re.S,
    )
    assert error and "owner" in error.group(1).lower()
    assert cast.owner.member.roles.filter(key="owner").exists()


def test_removing_the_last_owner_is_refused_next_to_the_button(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.post(f"/members/{cast.owner.member.id}/remove")
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="remove-refusal"' in html and "Leave the organization" in html
    assert Member.objects.filter(pk=cast.owner.member.pk).exists()


def test_member_is_removed(signed_in, cast):
    client = signed_in(cast.admin)
    response = client.post(f"/members/{cast.member.member.id}/remove")
    assert response.status_code == 302 and response["Location"] == "/members"
    assert not Member.objects.filter(pk=cast.member.member.pk).exists()


def test_plain_member_cannot_remove_or_change_roles(signed_in, cast):
    client = signed_in(cast.member)
    assert client.post(f"/members/{cast.admin.member.id}/remove").status_code == 403
    response = client.post(f"/members/{cast.admin.member.id}/roles", {"roles": [directory.role("member").id]})
    assert response.status_code == 403
    assert Member.objects.filter(pk=cast.admin.member.pk).exists()


def test_unknown_and_malformed_member_ids(signed_in, cast):
    client = signed_in(cast.owner)
    assert client.get("/members/ZZZZZZZZZZ").status_code == 404
    assert client.get("/members/not-an-id").status_code == 404
    assert client.post("/members/ZZZZZZZZZZ/remove").status_code == 404


def test_detail_accepts_only_reads_and_actions_only_posts(signed_in, cast):
    client = signed_in(cast.owner)
    assert client.post(f"/members/{cast.member.member.id}").status_code == 405
    assert client.get(f"/members/{cast.member.member.id}/remove").status_code == 405


# --- bulk --------------------------------------------------------------------------------------


def test_bulk_remove_confirms_naming_who(signed_in, cast):
    client = signed_in(cast.owner)
    ids = [cast.member.member.id, cast.admin.member.id]
    response = client.post("/members/bulk", {"action": "remove", "member": ids, "next": "/members?q=a"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Remove 2 members?" in text and "Mia Member" in text and "Adam Admin" in text
    assert Member.objects.filter(pk__in=ids).count() == 2
    response = client.post(
        "/members/bulk", {"action": "remove", "member": ids, "confirmed": "yes", "next": "/members?q=a"}
    )
    assert response.status_code == 302 and response["Location"] == "/members?q=a"
    assert Member.objects.filter(pk__in=ids).count() == 0


def test_bulk_dialog_is_an_htmx_partial(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.post(
        "/members/bulk",
        {"action": "roles", "member": [cast.member.member.id]},
        headers={"HX-Request": "true", "HX-Target": "bulk-content"},
    )
    html = response.content.decode()
    assert re.match(r'\s*<div id="bulk-content">\s*<form id="bulk-confirm"', html)
    assert "Change the roles of 1 member" in html and "Mia Member" in html


def test_bulk_role_change_reports_who_was_refused(signed_in, cast):
    client = signed_in(cast.owner)
    auditor = directory.role("auditor").id
    ids = [cast.member.member.id, cast.owner.member.id]
    response = client.post(
        "/members/bulk", {"action": "roles", "member": ids, "roles": [auditor], "confirmed": "yes"}, follow=True
    )
    text = text_of(response)
    assert "Changed the roles of 1 member: Mia Member." in text
    assert "Not changed: Olivia Owner:" in text
    assert cast.owner.member.roles.filter(key="owner").exists()


def test_bulk_without_selection_says_so(signed_in, cast):
    response = signed_in(cast.owner).post("/members/bulk", {"action": "remove"}, follow=True)
    assert "Select at least one member first." in text_of(response)


@pytest.mark.parametrize("person", ["member"])
def test_bulk_by_a_plain_member_is_refused(signed_in, cast, person):
    client = signed_in(getattr(cast, person))
    response = client.post(
        "/members/bulk", {"action": "remove", "member": [cast.admin.member.id], "confirmed": "yes"}, follow=True
    )
    assert "Not changed: Adam Admin" in text_of(response)
    assert Member.objects.filter(pk=cast.admin.member.pk).exists()


# --- a large organization -------------------------------------------------------------------------

GIVEN = ["Ada", "Bea", "Cyd", "Dov", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kai", "Liv", "Max", "Noa", "Oli"]
FAMILY = ["Archer", "Baker", "Carter", "Dalton", "Ellis", "Foster", "Garcia", "Hughes", "Ibarra", "Jensen"]


def seed_members(organization, count: int) -> None:
    """`count` more members through the platform's own services (unusable passwords: no hashing cost)."""
    member_role = directory.role("member")
    for n in range(count):
        given, family = GIVEN[n % len(GIVEN)], FAMILY[(n // len(GIVEN)) % len(FAMILY)]
        user = directory.create_user(
            f"{given.lower()}.{family.lower()}.{n}@bench.test", None, given, f"{family} {n}", password_hash="!"
        )
        directory.add_member(organization, user, [member_role])


def test_two_thousand_members_render_with_two_calls(signed_in, cast):
    seed_members(cast.org, 2000)
    client = signed_in(cast.owner)
    warm(client)
    response = client.get("/members")
    assert calls_of(response) == ["GET /org/teams", "GET /org/members"]
    assert response.wsgi_request.platform.calls == 2
    assert "2,003 members" in text_of(response) and "1\N{EN DASH}50 of 2,003" in text_of(response)
    response = client.get(
        "/members?q=liv.jensen&sort=-email", headers={"HX-Request": "true", "HX-Target": "member-table"}
    )
    assert calls_of(response) == ["GET /org/members"]  # the table alone: the filters around it stay
    # Liv (given 11) Jensen (family 9): n = 15k + 11 with k % 10 == 9, k = 9, 19, ..., 129.
    assert response.context["table"].total == 13
    assert 'hx-swap-oob="innerHTML:#member-table-count">13 members match' in response.content.decode()


def test_client_updates_a_member_and_reports_external_accounts(signed_in, cast):
    from console.client.errors import Conflict
    from console.client.members import update_member

    client = signed_in(cast.owner)
    platform = client.get("/members").wsgi_request.platform
    detail = update_member(platform, cast.member.member.id, given_name="Mina", account_type="external")
    assert detail.member.given_name == "Mina" and detail.member.account_type == "external"
    with pytest.raises(Conflict) as refused:
        update_member(platform, cast.member.member.id, family_name="Other")
    assert refused.value.code == "external_account"


def test_bulk_never_redirects_off_site_and_ignores_malformed_ids(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.post(
        "/members/bulk",
        {"action": "remove", "member": ["../evil", cast.member.member.id], "next": "https://evil.example/"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "evil.example" not in html and "../evil" not in html
    assert "Remove 1 member?" in text_of(response)
    done = client.post(
        "/members/bulk",
        {"action": "remove", "member": [cast.member.member.id], "confirmed": "yes", "next": "//evil.example/x"},
    )
    assert done["Location"] == "/members"


def test_invitation_actions_never_redirect_off_site(signed_in, cast):
    from localplatform.identity.models import Invitation

    client = signed_in(cast.owner)
    client.post("/members/invite", {"emails": "ann@new.test", "account_type": "managed"})
    invitation = Invitation.objects.get(email="ann@new.test")
    response = client.post(f"/members/invitations/{invitation.id}/resend", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/members/invitations"


def test_keeping_a_break_glass_role_needs_no_confirmation(signed_in, cast):
    # The Owner already holds Owner: adding Auditor beside it grants nothing break-glass.
    client = signed_in(cast.owner)
    owner, auditor = directory.role("owner").id, directory.role("auditor").id
    html = client.get(f"/members/{cast.owner.member.id}").content.decode()
    assert "data-break-glass" not in html and "break-glass-confirm" not in html
    response = client.post(f"/members/{cast.owner.member.id}/roles", {"roles": [owner, auditor]})
    assert response.status_code == 302
    assert set(cast.owner.member.roles.values_list("key", flat=True)) == {"owner", "auditor"}


def test_roles_editor_keeps_the_choice_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.owner)
    admin = directory.role("admin").id
    with faults(writes_fail):
        response = client.post(f"/members/{cast.member.member.id}/roles", {"roles": [admin]})
    assert response.status_code == 422
    assert_kept(response, {})
    html = response.content.decode()
    assert re.search(rf'<input[^>]*value="{admin}"[^>]*checked', html), "the chosen role is no longer ticked"
    assert {r.key for r in cast.member.member.roles.all()} == {"member"}


def test_bulk_role_change_keeps_the_choice_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.owner)
    auditor = directory.role("auditor").id
    with faults(writes_fail):
        response = client.post(
            "/members/bulk",
            {"action": "roles", "member": [cast.member.member.id], "confirmed": "yes", "roles": [auditor]},
        )
    assert response.status_code == 422
    assert_kept(response, {})
    assert re.search(rf'<input[^>]*value="{auditor}"[^>]*checked', response.content.decode())
    assert "Mia Member" in text_of(response)  # still the member it was for
    assert {r.key for r in cast.member.member.roles.all()} == {"member"}
