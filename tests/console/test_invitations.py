"""Invite dialog, pending invitations tab, and the public accept page the mail links to."""

import re

import httpx
import pytest
from django.core import mail

from localplatform.identity.models import Invitation, Member, TeamMember
from localplatform.identity.services import directory
from tests.client.support import assert_kept, faults, on, writes_fail
from tests.console.test_dashboard import text_of
from tests.console.test_members import calls_of, warm

HTMX_INVITE = {"HX-Request": "true", "HX-Target": "invite-form"}


def token_in_mail(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if email in m.to)
    found = re.search(r"/invitations/([A-Za-z0-9_-]{43})", message.body)
    assert found, message.body
    return found.group(1)


def invite(client, emails: str, **fields):
    return client.post("/members/invite", {"emails": emails, "account_type": "managed", **fields})


# --- invite --------------------------------------------------------------------------------------


def test_invite_form_offers_roles_teams_and_team_roles(signed_in, cast):
    client = signed_in(cast.owner)
    warm(client)
    response = client.get("/members/invite", headers=HTMX_INVITE)
    assert response.status_code == 200
    assert calls_of(response) == ["GET /org/roles", "GET /org/team-roles", "GET /org/teams"]
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="invite-form">')
    assert f'value="{directory.role("owner").id}"' in html and "Break-glass" in html
    assert f'name="team_{cast.team.id}"' in html and "Contributor" in html and "Not in this team" in html


@pytest.mark.parametrize("path", ["/members", "/members/invitations"])
def test_invite_button_opens_its_dialog_at_once(signed_in, cast, path):
    """console.js opens a data-dialog dialog on the click, on the loading indicator it holds, and htmx swaps the
    form into the element inside it: the button names both, and the dialog starts with the indicator."""
    html = signed_in(cast.owner).get(path).content.decode()
    button = re.search(r'<a class="btn btn-primary btn-sm" href="/members/invite"[^>]*>', html).group(0)
    assert 'hx-get="/members/invite"' in button and 'hx-target="#invite-form"' in button
    assert 'data-dialog="invite-dialog"' in button
    dialog = re.search(r'<dialog[^>]*id="invite-dialog".*?</dialog>', html, re.S).group(0)
    assert re.search(r'<div id="invite-form">\s*<span class="loading-indicator htmx-indicator"', dialog)
    assert "Loading the invite form…" in dialog


def test_several_addresses_one_invitation_each(signed_in, cast):
    client = signed_in(cast.owner)
    admin = directory.role("admin").id
    viewer = directory.role("viewer").id
    response = invite(
        client,
        "ann@new.test, Ben@New.test\nann@new.test",
        roles=[admin],
        message="Welcome!",
        **{f"team_{cast.team.id}": viewer},
    )
    assert response.status_code == 302 and response["Location"] == "/members/invitations"
    invitations = Invitation.objects.filter(organization=cast.org).order_by("email")
    assert [i.email for i in invitations] == ["ann@new.test", "ben@new.test"]
    assert invitations[0].role_ids == [admin]
    assert invitations[0].teams == [{"teamId": cast.team.id, "roleIds": [viewer]}]
    assert invitations[0].message == "Welcome!"
    assert len(mail.outbox) == 2


def test_per_address_errors_keep_the_input(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.post(
        "/members/invite",
        {"emails": "new@new.test, member@acme.test", "account_type": "external", "message": "Hi there"},
        headers=HTMX_INVITE,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="invite-form">')
    text = text_of(response)
    assert "member@acme.test:" in text and "already" in text
    # The invited address is done; the failed one stays in the field, with every other choice.
    assert re.search(r"<textarea[^>]*>\s*member@acme.test</textarea>", html)
    assert re.search(r'<option value="external" selected>', html)
    assert "Hi there" in html
    assert Invitation.objects.filter(email="new@new.test").exists()


def test_invalid_addresses_are_named_at_the_field(signed_in, cast):
    response = invite(signed_in(cast.owner), "good@new.test, not-an-address")
    assert response.status_code == 422
    assert "Not an email address: not-an-address." in text_of(response)
    assert not Invitation.objects.exists()


def test_break_glass_invitation_needs_confirmation(signed_in, cast):
    client = signed_in(cast.owner)
    response = invite(client, "boss@new.test", roles=[directory.role("owner").id])
    assert response.status_code == 422
    assert "Confirm that you mean to grant a break-glass role." in text_of(response)
    assert not Invitation.objects.exists()


def test_team_choices_are_one_role_per_team_with_its_default_marked(signed_in, cast, other_team):
    other_team.default_role = directory.role("viewer")
    other_team.save()
    html = signed_in(cast.owner).get("/members/invite", headers=HTMX_INVITE).content.decode()

    def options(team) -> list[str]:
        select = re.search(rf'<select name="team_{team.id}".*?</select>', html, re.S).group(0)
        assert "multiple" not in select
        return re.findall(r"<option[^>]*>([^<]+)</option>", select)

    assert options(cast.team) == ["Not in this team", "Team Admin", "Contributor (default)", "Viewer"]
    assert options(other_team) == ["Not in this team", "Team Admin", "Contributor", "Viewer (default)"]
    assert "One team role per team" in html


def test_several_errors_are_listed_at_the_top_with_links_to_their_fields(signed_in, cast):
    response = signed_in(cast.owner).post(
        "/members/invite",
        {"emails": "not-an-address", "roles": [directory.role("owner").id], "account_type": "managed"},
        headers=HTMX_INVITE,
    )
    assert response.status_code == 422
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "data-error-summary" in summary and 'tabindex="-1"' in summary
    assert "2 fields to correct" in summary
    links = re.findall(r'<a href="#([a-z_]+)" data-field="([a-z_]+)">([^:]+):', summary)
    assert links == [
        ("id_emails", "emails", "Email addresses"),
        (
            "id_confirm_break_glass",
            "confirm_break_glass",
            "I understand this grants unrestricted access to the whole organization.",
        ),
    ]
    # The summary takes the focus after the swap (autofocus, which htmx honours); no field claims it.
    assert re.findall(r"<(\w+)[^>]*\bautofocus\b", html) == ["div"] and 'tabindex="-1" autofocus' in summary
    # Each error still sits at its field too, and the summary comes before the fields.
    assert html.index("error-summary") < html.index('name="emails"')
    assert 'id="id_emails_error"' in html and 'id="id_confirm_break_glass_error"' in html
    assert not Invitation.objects.exists()


def test_no_summary_before_anything_is_wrong(signed_in, cast):
    html = signed_in(cast.owner).get("/members/invite", headers=HTMX_INVITE).content.decode()
    assert "error-summary" not in html
    assert re.search(r'<textarea name="emails"[^>]*autofocus', html)  # the dialog opens on the first field


def test_dialog_actions_sit_in_the_dialog_footer(signed_in, cast):
    """The sticky footer holds Cancel and Send: the kit's dialog CSS keeps it in view on a long form."""
    html = signed_in(cast.owner).get("/members/invite", headers=HTMX_INVITE).content.decode()
    form = re.search(r'<form id="invite-form-form".*?</form>', html, re.S).group(0)
    body, footer = form.split('<div class="console-dialog-footer">')
    assert 'class="console-dialog-body' in body and "Send invitations" not in body
    assert "data-dialog-close>Cancel</a>" in footer and "Send invitations</button>" in footer


def test_admin_is_not_offered_owner_in_the_invite(signed_in, cast):
    html = signed_in(cast.admin).get("/members/invite").content.decode()
    assert f'value="{directory.role("owner").id}"' not in html
    assert f'value="{directory.role("admin").id}"' in html


def test_plain_member_learns_at_once_that_they_may_not_invite(signed_in, cast):
    """Opened by URL, the invite form is a 403 page saying who may invite: no form to fill in first."""
    client = signed_in(cast.member)
    warm(client)
    page = client.get("/members/invite")
    assert page.status_code == 403
    text = text_of(page)
    assert "Only Owners and Admins can invite members." in text
    assert "Email addresses" not in text and "Send invitations" not in text
    assert calls_of(page) == []  # decided from the caller's roles, before the form's three calls
    # The dialog's request (never offered to them) gets the refusal too, which console.js shows as a toast.
    assert client.get("/members/invite", headers=HTMX_INVITE).status_code == 403
    response = invite(client, "x@new.test")
    assert response.status_code == 403 and calls_of(response) == []
    assert not Invitation.objects.exists()
    assert client.get("/members/invitations").status_code == 403


# --- pending invitations --------------------------------------------------------------------------


def test_pending_tab_lists_with_one_call(signed_in, cast):
    client = signed_in(cast.owner)
    invite(
        client,
        "ann@new.test",
        roles=[directory.role("admin").id],
        **{f"team_{cast.team.id}": directory.role("viewer").id},
    )
    warm(client)
    response = client.get("/members/invitations")
    assert calls_of(response) == ["GET /org/invitations"]
    text = text_of(response)
    assert "ann@new.test Admin Data Platform (Viewer) Olivia Owner" in text
    assert "Resend to ann@new.test" in text and "Revoke the invitation of ann@new.test" in text
    # Row actions are Resend and Revoke; the dialog confirms with "Revoke invitation" and dismisses with "Keep it".
    html = response.content.decode()
    dialog = re.search(r'<dialog class="console-dialog" id="revoke-[A-Z0-9]+".*?</dialog>', html, re.S).group(0)
    assert "Revoke this invitation?" in dialog
    assert re.search(r'formmethod="dialog" formnovalidate autofocus>Keep it</button>', dialog)
    assert re.search(r'class="btn btn-danger">Revoke invitation</button>', dialog)
    assert ">Cancel<" not in html.split("<table", 1)[1].split("</table>", 1)[0]


def test_resend_and_revoke(signed_in, cast):
    client = signed_in(cast.owner)
    invite(client, "ann@new.test")
    first = token_in_mail("ann@new.test")
    invitation = Invitation.objects.get(email="ann@new.test")
    response = client.post(f"/members/invitations/{invitation.id}/resend", follow=True)
    assert "Sent the invitation to ann@new.test again." in text_of(response)
    assert token_in_mail("ann@new.test") != first
    response = client.post(f"/members/invitations/{invitation.id}/cancel", follow=True)
    assert "Invitation revoked: its link no longer works." in text_of(response)
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"
    response = client.post(f"/members/invitations/{invitation.id}/cancel", follow=True)
    assert "pending" in text_of(response).lower()  # the platform's invalid_state message, as a toast


def test_owner_invitations_are_an_owners_to_resend_or_revoke(signed_in, cast):
    """§1.13 (revised 2026-12): the Admin sees an Owner-role invitation without its actions; the Owner has them."""
    owner_client = signed_in(cast.owner)
    invite(owner_client, "boss@new.test", roles=[directory.role("owner").id], confirm_break_glass="on")
    invite(owner_client, "ann@new.test")
    assert "Resend to boss@new.test" in text_of(owner_client.get("/members/invitations"))
    owner_client.post("/sign-out")
    admin = signed_in(cast.admin)
    text = text_of(admin.get("/members/invitations"))
    assert "Only an Owner can resend or revoke" in text
    assert "Resend to boss@new.test" not in text and "Revoke the invitation of boss@new.test" not in text
    assert "Resend to ann@new.test" in text and "Revoke the invitation of ann@new.test" in text
    # Posted anyway (a stale page): the platform's refusal is the message, and the invitation stays.
    boss = Invitation.objects.get(email="boss@new.test")
    response = admin.post(f"/members/invitations/{boss.id}/cancel", follow=True)
    assert "Only an Owner can resend or cancel" in text_of(response)
    boss.refresh_from_db()
    assert boss.status == "pending"


def test_status_tabs_and_empty_state(signed_in, cast):
    client = signed_in(cast.owner)
    text = text_of(client.get("/members/invitations?status=accepted"))
    assert "No accepted invitations" in text
    # The platform's "cancelled" reads "Revoked", the word of the row action (docs/glossary.md).
    assert "Pending Expired Accepted Revoked" in text and "Cancelled" not in text
    assert "No revoked invitations" in text_of(client.get("/members/invitations?status=cancelled"))
    assert client.get("/members/invitations?status=bogus&page=x").status_code == 200


def test_unknown_invitation_actions_are_not_found(signed_in, cast):
    client = signed_in(cast.owner)
    assert client.post("/members/invitations/ZZZZZZZZZZ/resend").status_code == 404
    assert client.post("/members/invitations/nope/cancel").status_code == 404


def test_invitations_tab_when_the_platform_is_down(signed_in, cast):
    client = signed_in(cast.owner)
    warm(client)
    with faults(on("/org/invitations", httpx.ConnectError("refused"))):
        assert client.get("/members/invitations").status_code == 503


# --- accept --------------------------------------------------------------------------------------


def test_new_person_creates_an_account_through_the_link(signed_in, client, cast):
    owner = signed_in(cast.owner)
    invite(
        owner,
        "nina@new.test",
        roles=[directory.role("admin").id],
        **{f"team_{cast.team.id}": directory.role("viewer").id},
    )
    token = token_in_mail("nina@new.test")
    owner.post("/sign-out")
    page = client.get(f"/invitations/{token}")
    assert page.status_code == 200
    text = text_of(page)
    assert "Join Acme Analytics" in text and "Olivia Owner invited nina@new.test" in text
    assert "Create account and join" in text
    response = client.post(
        f"/invitations/{token}", {"given_name": "Nina", "family_name": "New", "password": "a-long-enough-password"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    member = Member.objects.get(user__email="nina@new.test")
    assert {r.key for r in member.roles.all()} == {"admin"}
    placement = TeamMember.objects.get(member=member)
    assert placement.team == cast.team and [r.key for r in placement.roles.all()] == ["viewer"]
    assert "Nina New" in text_of(client.get("/"))


def test_short_password_is_refused_at_the_field(signed_in, client, cast):
    invite(signed_in(cast.owner), "nina@new.test")
    token = token_in_mail("nina@new.test")
    client.post("/sign-out")
    response = client.post(f"/invitations/{token}", {"given_name": "Nina", "family_name": "New", "password": "short"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Nina"' in html and 'aria-invalid="true"' in html
    assert not Member.objects.filter(user__email="nina@new.test").exists()


def test_existing_account_signs_in_to_accept(signed_in, client, cast):
    owner = signed_in(cast.owner)
    invite(owner, "oscar@globex.test")
    token = token_in_mail("oscar@globex.test")
    owner.post("/sign-out")
    text = text_of(client.get(f"/invitations/{token}"))
    assert "Sign in to accept" in text and "Create account" not in text
    client.post("/sign-in", {"email": cast.outsider.email, "password": cast.outsider.password})
    page = client.get(f"/invitations/{token}")
    assert "Accept and join Acme Analytics" in text_of(page)
    response = client.post(f"/invitations/{token}")
    assert response.status_code == 302
    assert Member.objects.filter(organization=cast.org, user=cast.outsider.user).exists()


def test_someone_else_signed_in_is_refused_in_place(signed_in, cast):
    owner = signed_in(cast.owner)
    invite(owner, "oscar@globex.test")
    token = token_in_mail("oscar@globex.test")
    response = owner.post(f"/invitations/{token}")
    assert response.status_code == 200
    text = text_of(response)
    assert "The invitation is for oscar@globex.test: sign in with that address to accept it." in text
    assert re.search(r'<div class="alert alert-danger[^"]*" role="alert">', response.content.decode())
    assert not Member.objects.filter(organization=cast.org, user=cast.outsider.user).exists()


def test_cancelled_and_unknown_tokens(signed_in, client, cast):
    owner = signed_in(cast.owner)
    invite(owner, "ann@new.test")
    token = token_in_mail("ann@new.test")
    owner.post(f"/members/invitations/{Invitation.objects.get().id}/cancel")
    assert "This invitation was revoked." in text_of(client.get(f"/invitations/{token}"))
    assert client.get("/invitations/" + "x" * 43).status_code == 404
    assert client.get("/invitations/bad%20token").status_code == 404


@pytest.mark.parametrize("path", ["/members/invite", "/members/invitations"])
def test_anonymous_is_sent_to_sign_in(client, cast, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in?next=")


def test_invite_form_keeps_what_was_typed_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.owner)
    typed = {"emails": "nina@new.test", "message": "Welcome to the data team!"}
    with faults(writes_fail):
        response = client.post("/members/invite", {**typed, "account_type": "external"})
    assert response.status_code == 422
    assert_kept(response, typed)
    assert re.search(r'value="external"[^>]*selected|selected[^>]*value="external"', response.content.decode())
    assert not Invitation.objects.filter(email="nina@new.test").exists()


def test_accept_form_keeps_what_was_typed_when_the_platform_fails_on_submit(signed_in, client, cast):
    invite(signed_in(cast.owner), "nina@new.test")
    token = token_in_mail("nina@new.test")
    client.post("/sign-out")
    typed = {"given_name": "Nina", "family_name": "Newton-Smith"}
    with faults(writes_fail):
        response = client.post(f"/invitations/{token}", {**typed, "password": "a-long-enough-password"})
    assert response.status_code == 422
    assert_kept(response, typed)
    assert not Member.objects.filter(user__email="nina@new.test").exists()
