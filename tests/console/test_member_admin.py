"""Account administration on a member's page, and Create user: what each person is offered, one platform call
per action, and every refusal (§3.3.13-3.3.17, §3.13.4) explained in the card of the action."""

import html as markup
import re

import pytest
from django.test import Client

from localplatform.identity.models import Login, Member, TemporaryPassword, User
from localplatform.identity.services import directory
from tests.client.support import assert_kept, faults, writes_fail
from tests.console.test_dashboard import text_of as tagless
from tests.console.test_members import calls_of, warm
from tests.localplatform.account_support import enroll

HTMX = {"HX-Request": "true"}


def text_of(response) -> str:
    return markup.unescape(tagless(response))


def page(person) -> str:
    return f"/members/{person.member.id}"


def login(api, email: str, password: str):
    return api.post("/auth/login", json={"email": email, "password": password})


def external(person) -> None:
    Member.objects.filter(pk=person.member.pk).update(account_type=Member.EXTERNAL)


def refusal(response, card: str) -> str:
    found = re.search(rf'id="{card}-refusal">.*?<div>(.*?)</div>', response.content.decode(), re.S)
    assert found, f"no refusal in the {card} card"
    return markup.unescape(found.group(1))


# --- who is offered what --------------------------------------------------------------------------


def test_an_admin_gets_membership_and_account_actions_from_two_calls(signed_in, cast):
    client = signed_in(cast.admin)
    warm(client)
    response = client.get(page(cast.member))
    assert calls_of(response) == [f"GET /org/members/{cast.member.member.id}", f"GET /users/{cast.member.user.id}"]
    text = text_of(response)
    assert "Membership Active Status Active Account type Managed Can sign in to Acme Analytics." in text
    assert "The organization administers the account." in text
    assert "Account Enabled Email Verified" in text
    html = response.content.decode()
    for dialog in ("deactivate", "external", "password", "disable", "delete", "remove"):
        assert (
            f'commandfor="{dialog}-dialog"' in html and f'<dialog class="console-dialog" id="{dialog}-dialog"' in html
        )
    assert "Reset MFA" not in text  # no MFA to reset
    assert f'href="/members/{cast.member.member.id}/profile"' in response.content.decode()


def test_a_member_sees_the_profile_only_and_no_account_call(signed_in, cast):
    client = signed_in(cast.member)
    warm(client)
    response = client.get(page(cast.admin))
    assert calls_of(response) == [f"GET /org/members/{cast.admin.member.id}"]
    text = text_of(response)
    assert "Status Active" in text and "Account type Managed" in text
    assert "Membership" not in text and "Disable account" not in text and '/profile"' not in response.content.decode()


def test_an_admin_is_told_only_an_owner_administers_an_owner(signed_in, cast):
    client = signed_in(cast.admin)
    warm(client)
    response = client.get(page(cast.owner))
    assert calls_of(response) == [f"GET /org/members/{cast.owner.member.id}"]
    text = text_of(response)
    assert "Only an Owner can administer the membership and account of a member who holds the Owner role." in text
    assert "Disable account" not in text and "Deactivate" not in text and '/profile"' not in response.content.decode()


@pytest.mark.parametrize("action", ["reset-mfa", "reset-password", "disable", "delete", "deactivate"])
def test_the_platform_still_refuses_an_admin_acting_on_an_owner(signed_in, cast, action):
    response = signed_in(cast.admin).post(f"{page(cast.owner)}/{action}")
    assert response.status_code == 403
    card = "membership" if action == "deactivate" else "account"
    assert "owner" in refusal(response, card).lower()
    owner = User.objects.get(pk=cast.owner.user.pk)  # still there, enabled, with no temporary password
    assert owner.status == "active" and not TemporaryPassword.objects.filter(user=owner).exists()
    assert Member.objects.get(pk=cast.owner.member.pk).status == Member.ACTIVE


def test_on_ones_own_page_the_account_is_under_my_account(signed_in, cast):
    text = text_of(signed_in(cast.owner).get(page(cast.owner)))
    assert "Your own profile, email and password are under My account" in text
    assert "Disable account" not in text and "Deactivate" not in text


def test_ones_own_deactivation_is_refused_in_place(signed_in, cast):
    response = signed_in(cast.admin).post(f"{page(cast.admin)}/deactivate")
    assert response.status_code == 409
    assert refusal(response, "membership") == "You cannot deactivate yourself; leave the organization instead."


def test_an_external_account_is_explained_and_refused(signed_in, cast):
    external(cast.member)
    client = signed_in(cast.owner)
    response = client.get(page(cast.member))
    text = text_of(response)
    assert "This account is external" in text and "Make managed" in text
    assert "Issue temporary password" not in text and '/profile"' not in response.content.decode()
    refused = client.post(f"{page(cast.member)}/reset-password")
    assert refused.status_code == 409
    assert refusal(refused, "account") == "This account is managed by the member's identity provider."


def test_anonymous_and_unknown_members(client, signed_in, cast):
    for url in (f"{page(cast.member)}/profile", "/members/new", f"{page(cast.member)}/temporary-password"):
        assert client.get(url)["Location"].startswith("/sign-in")
    signed_in(cast.owner)
    assert client.post("/members/ZZZZZZZZZZ/disable").status_code == 404
    assert client.post(f"{page(cast.member)}/explode").status_code == 404
    assert client.get(f"{page(cast.member)}/disable").status_code == 405


def test_a_member_cannot_act_even_by_posting(signed_in, cast):
    client = signed_in(cast.member)
    assert client.post(f"{page(cast.admin)}/disable").status_code == 403
    assert client.get("/members/new").status_code == 403
    assert User.objects.get(pk=cast.admin.user.pk).status == "active"


# --- profile --------------------------------------------------------------------------------------


def test_edit_turns_the_card_into_a_form_in_place(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.get(f"{page(cast.member)}/profile", headers={**HTMX, "HX-Target": "profile-card"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card mb-3" id="profile-card"')
    assert 'value="Mia"' in html and 'value="member@acme.test"' in html and "Save profile" in html
    assert re.search(r'name="given_name"[^>]*data-swap-focus', html)


def test_saving_names_patches_the_membership(signed_in, cast):
    client = signed_in(cast.owner)
    data = {"given_name": "Mina", "family_name": "Member", "display_name": "Mina M.", "email": "member@acme.test"}
    response = client.post(f"{page(cast.member)}/profile", data)
    assert response.status_code == 302
    assert calls_of(response) == [
        f"GET /org/members/{cast.member.member.id}",
        f"PATCH /org/members/{cast.member.member.id}",
    ]
    user = User.objects.get(pk=cast.member.user.pk)
    assert (user.given_name, user.display_name) == ("Mina", "Mina M.")


def test_a_new_email_goes_to_the_account(signed_in, cast):
    client = signed_in(cast.owner)
    data = {"given_name": "Mia", "family_name": "Member", "display_name": "Mia Member", "email": "mia@acme.test"}
    response = client.post(f"{page(cast.member)}/profile", data)
    assert response.status_code == 302
    assert calls_of(response)[-1] == f"PATCH /users/{cast.member.user.id}"
    assert User.objects.get(pk=cast.member.user.pk).email == "mia@acme.test"


def test_profile_errors_stay_at_their_fields_with_the_input(signed_in, cast):
    client = signed_in(cast.owner)
    data = {"given_name": "", "family_name": "Member", "display_name": "Mia", "email": "owner@acme.test"}
    response = client.post(f"{page(cast.member)}/profile", data)
    assert response.status_code == 422
    assert 'id="id_given_name_error"' in response.content.decode()
    data["given_name"] = "Mia"
    taken = client.post(f"{page(cast.member)}/profile", data, headers={**HTMX, "HX-Target": "profile-card"})
    assert taken.status_code == 422
    assert "This address already belongs to another account." in text_of(taken)
    assert 'value="owner@acme.test"' in taken.content.decode()


def test_someone_in_another_organization_keeps_their_own_profile(signed_in, cast):
    directory.add_member(cast.other_org, cast.member.user, [directory.role("member")])
    client = signed_in(cast.owner)
    data = {"given_name": "Other", "family_name": "Member", "display_name": "Mia Member", "email": "member@acme.test"}
    response = client.post(f"{page(cast.member)}/profile", data)
    assert response.status_code == 422
    assert "also belongs to another organization and manages their own profile" in text_of(response)
    assert 'value="Other"' in response.content.decode()


def test_a_profile_save_that_meets_a_dead_platform_keeps_the_input(signed_in, cast):
    client = signed_in(cast.owner)
    data = {"given_name": "Typed", "family_name": "Kept", "display_name": "Typed Kept", "email": "member@acme.test"}
    with faults(writes_fail):
        response = client.post(f"{page(cast.member)}/profile", data)
    assert_kept(response, {"given_name": "Typed", "family_name": "Kept"})


# --- membership -----------------------------------------------------------------------------------


def test_deactivate_and_reactivate(signed_in, cast):
    client = signed_in(cast.admin)
    response = client.post(f"{page(cast.member)}/deactivate")
    assert response.status_code == 302 and response["Location"] == page(cast.member)
    assert calls_of(response)[-1] == f"PATCH /org/members/{cast.member.member.id}"
    assert Member.objects.get(pk=cast.member.member.pk).status == Member.DEACTIVATED
    shown = client.get(page(cast.member))
    assert "Mia Member is deactivated: they cannot sign in here until reactivated." in text_of(shown)
    assert f'action="{page(cast.member)}/reactivate"' in shown.content.decode()
    assert 'commandfor="deactivate-dialog"' not in shown.content.decode()
    client.post(f"{page(cast.member)}/reactivate")
    assert Member.objects.get(pk=cast.member.member.pk).status == Member.ACTIVE


def test_account_type_both_ways(signed_in, cast):
    client = signed_in(cast.owner)
    client.post(f"{page(cast.member)}/make-external")
    assert Member.objects.get(pk=cast.member.member.pk).account_type == Member.EXTERNAL
    client.post(f"{page(cast.member)}/make-managed")
    assert Member.objects.get(pk=cast.member.member.pk).account_type == Member.MANAGED


# --- account --------------------------------------------------------------------------------------


def test_disable_ends_every_sign_in_and_enable_restores_it(signed_in, cast, api):
    assert login(api, cast.member.email, cast.member.password).status_code == 200
    client = signed_in(cast.owner)
    response = client.post(f"{page(cast.member)}/disable")
    assert response.status_code == 302
    assert calls_of(response)[-1] == f"PATCH /users/{cast.member.user.id}"
    assert not Login.objects.filter(user_id=cast.member.user.pk, revoked_at__isnull=True).exists()
    assert login(api, cast.member.email, cast.member.password).status_code != 200
    shown = text_of(client.get(page(cast.member)))
    assert "Account Disabled Email Verified Disabled everywhere: no sign-in works" in shown
    client.post(f"{page(cast.member)}/enable")
    assert login(api, cast.member.email, cast.member.password).status_code == 200


def test_reset_mfa_is_offered_when_it_is_on_and_clears_it(signed_in, cast, api):
    enroll(api, login(api, cast.member.email, cast.member.password).json()["accessToken"])
    client = signed_in(cast.admin)
    assert "Reset MFA" in text_of(client.get(page(cast.member)))
    response = client.post(f"{page(cast.member)}/reset-mfa")
    assert response.status_code == 302
    assert calls_of(response)[-1] == f"POST /users/{cast.member.user.id}/mfa/reset"
    assert "accessToken" in login(api, cast.member.email, cast.member.password).json()  # no MFA step any more


def test_a_temporary_password_is_shown_once_and_never_cached(signed_in, cast, api):
    client = signed_in(cast.owner)
    response = client.post(f"{page(cast.member)}/reset-password")
    assert response["Location"] == f"{page(cast.member)}/temporary-password"
    shown = client.get(response["Location"])
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    password = re.search(r'<code id="temporary-password">([^<]+)</code>', shown.content.decode()).group(1)
    assert len(password) == 20
    assert (
        "Shown only this once" in text_of(shown) and 'data-copy-target="temporary-password"' in shown.content.decode()
    )
    assert login(api, cast.member.email, password).status_code == 200
    again = client.get(response["Location"])
    assert again.status_code == 302 and again["Location"] == page(cast.member)
    after = client.get(page(cast.member))
    assert password not in after.content.decode()
    assert "A temporary password is shown only once. Issue a new one if it was lost." in text_of(after)


def test_another_members_temporary_password_page_shows_nothing(signed_in, cast):
    client = signed_in(cast.owner)
    client.post(f"{page(cast.member)}/reset-password")
    assert client.get(f"{page(cast.admin)}/temporary-password").status_code == 302
    assert client.get(f"{page(cast.member)}/temporary-password").status_code == 200  # still there for its own page


def test_delete_the_account(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.post(f"{page(cast.member)}/delete")
    assert response["Location"] == "/members"
    assert not User.objects.filter(pk=cast.member.user.pk).exists()
    assert "Mia Member's account is deleted." in text_of(client.get("/members"))


def test_deleting_someone_in_another_organization_is_refused_in_place(signed_in, cast):
    directory.add_member(cast.other_org, cast.member.user, [directory.role("member")])
    response = signed_in(cast.owner).post(f"{page(cast.member)}/delete")
    assert response.status_code == 409
    assert (
        refusal(response, "account") == "This person belongs to other organizations: remove them from this one instead."
    )
    assert User.objects.filter(pk=cast.member.user.pk).exists()


# --- create user ----------------------------------------------------------------------------------

NEW = {"email": "nina@acme.test", "given_name": "Nina", "family_name": "New", "display_name": "", "password": ""}


def test_create_user_is_beside_invite_for_those_who_manage_users(signed_in, cast):
    assert 'href="/members/new"' in signed_in(cast.admin).get("/members").content.decode()
    other = Client()
    other.post("/sign-in", {"email": cast.member.email, "password": cast.member.password})
    assert 'href="/members/new"' not in other.get("/members").content.decode()


def test_the_create_form_needs_three_calls(signed_in, cast):
    client = signed_in(cast.owner)
    warm(client)
    response = client.get("/members/new")
    assert calls_of(response) == ["GET /org/roles", "GET /org/team-roles", "GET /org/teams"]
    html = response.content.decode()
    assert re.search(r'name="email"[^>]*autofocus', html) and "Data Platform" in html


def test_creating_without_a_password_shows_a_temporary_one_once(signed_in, cast, api):
    client = signed_in(cast.owner)
    team_role = directory.role("viewer")
    response = client.post("/members/new", {**NEW, f"team_{cast.team.id}": team_role.id})
    member = Member.objects.get(user__email="nina@acme.test")
    assert response["Location"] == f"/members/{member.id}/temporary-password"
    assert [role.key for role in member.roles.all()] == ["member"]  # the default role
    shown = client.get(response["Location"])
    assert "Nina New's account is ready" in text_of(shown)
    password = re.search(r'<code id="temporary-password">([^<]+)</code>', shown.content.decode()).group(1)
    assert login(api, "nina@acme.test", password).status_code == 200


def test_creating_with_a_password_goes_to_the_member(signed_in, cast, api):
    client = signed_in(cast.owner)
    response = client.post("/members/new", {**NEW, "password": "a-chosen-passphrase-1"})
    member = Member.objects.get(user__email="nina@acme.test")
    assert response["Location"] == f"/members/{member.id}"
    assert login(api, "nina@acme.test", "a-chosen-passphrase-1").status_code == 200


def test_create_errors_stay_at_their_fields(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.post(
        "/members/new", {**NEW, "given_name": "", "password": "short"}, headers={**HTMX, "HX-Target": "create-user"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="create-user"')
    assert 'id="id_given_name_error"' in html and 'id="id_password_error"' in html
    assert "Enter their first name." in html and "Use at least 12 characters" in html
    assert 'value="nina@acme.test"' in html
    taken = client.post("/members/new", {**NEW, "email": "member@acme.test"})
    assert taken.status_code == 422
    assert "This address already has an account: invite it instead." in text_of(taken)


def test_a_create_that_meets_a_dead_platform_keeps_the_input(signed_in, cast):
    client = signed_in(cast.owner)
    with faults(writes_fail):
        response = client.post("/members/new", NEW)
    assert_kept(response, {"email": "nina@acme.test", "given_name": "Nina", "family_name": "New"})
