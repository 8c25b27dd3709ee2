"""My account: profile, email addresses, sessions, trusted devices, teams; call counts and refusals."""

import httpx

from localplatform.identity.models import Member
from tests.client.support import assert_kept, error_response, faults, on, writes_fail
from tests.console.accounts_support import last_mail, link_token
from tests.console.conftest import sign_in, tokens_of
from tests.console.test_dashboard import text_of


def history(response) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def test_profile_shows_the_names_with_one_call(signed_in, cast):
    response = signed_in(cast.member).get("/account")
    assert response.status_code == 200 and history(response) == ["GET /me"]
    html = response.content.decode()
    assert 'value="Mia"' in html and 'value="Member"' in html and 'aria-current="page">Profile' in html


def test_profile_save_updates_the_layout(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post("/account", {"given_name": "Mia", "family_name": "Mustermann", "display_name": "Mia M."})
    assert response["Location"] == "/account" and history(response) == ["PATCH /me"]
    assert client.session["platform.identity"]["display_name"] == "Mia M."
    assert "Mia M." in client.get("/account").content.decode()


def test_profile_blank_name_keeps_the_rest(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post("/account", {"given_name": "", "family_name": "Typed", "display_name": "Kept"})
    assert response.context["form"].errors["given_name"] and 'value="Typed"' in response.content.decode()


def test_profile_platform_field_errors(signed_in, cast):
    client = signed_in(cast.member)
    refusal = error_response(422, "validation_failed", fieldErrors={"displayName": "Not allowed."})
    with faults(on("/me", refusal, method="PATCH")):
        response = client.post("/account", {"given_name": "A", "family_name": "B", "display_name": "Bad"})
    assert response.context["form"].errors["display_name"] == ["Not allowed."]


def test_account_pages_need_sign_in(client, db):
    for url in ("/account", "/account/emails", "/account/sessions", "/account/devices", "/account/teams"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == f"/sign-in?next={url.replace('/', '%2F')}"


def test_revoked_login_is_sent_to_sign_in(signed_in, cast):
    client = signed_in(cast.member)
    with faults(on("/me/logins", error_response(401, "invalid_token"))):
        response = client.get("/account/sessions")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")


def test_emails_list_add_and_remove(signed_in, cast, outbox):
    client = signed_in(cast.member)
    page = client.get("/account/emails")
    assert history(page) == ["GET /me/emails"] and "Primary" in page.content.decode()
    added = client.post("/account/emails/add", {"email": "mia.private@example.test"})
    assert added["Location"] == "/account/emails"
    assert link_token(last_mail("mia.private@example.test"), "/verify-email")
    listing = client.get("/account/emails")
    html = listing.content.decode()
    assert "mia.private@example.test" in html and "Not verified" in html
    address = next(e for e in listing.context["emails"] if e.email == "mia.private@example.test")
    refused = client.post(f"/account/emails/{address.id}/primary", {"email": address.email}, follow=True)
    assert refused.status_code == 200 and "mia.private@example.test" in refused.content.decode()
    assert client.session["platform.identity"]["email"] == cast.member.email  # unverified cannot become primary
    client.post(f"/account/emails/{address.id}/remove")
    assert "mia.private@example.test" not in client.get("/account/emails").content.decode()


def test_managed_accounts_are_told_to_ask_an_admin(signed_in, cast, outbox):
    client = signed_in(cast.member)
    client.post("/account/emails/add", {"email": "mia.three@example.test"})
    client.post("/verify-email", {"token": link_token(last_mail("mia.three@example.test"), "/verify-email")})
    address = next(e for e in client.get("/account/emails").context["emails"] if e.email == "mia.three@example.test")
    response = client.post(f"/account/emails/{address.id}/primary", {"email": address.email}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/emails"
    assert client.session["platform.identity"]["email"] == cast.member.email


def test_verified_address_becomes_primary(signed_in, cast, outbox):
    Member.objects.filter(user=cast.member.user).update(account_type="external")
    client = signed_in(cast.member)
    client.post("/account/emails/add", {"email": "mia.two@example.test"})
    client.post("/verify-email", {"token": link_token(last_mail("mia.two@example.test"), "/verify-email")})
    address = next(e for e in client.get("/account/emails").context["emails"] if e.email == "mia.two@example.test")
    client.post(f"/account/emails/{address.id}/primary", {"email": address.email})
    assert client.session["platform.identity"]["email"] == "mia.two@example.test"
    emails = client.get("/account/emails").context["emails"]
    assert emails[0].email == "mia.two@example.test" and emails[0].primary


def test_add_a_taken_address_keeps_it_at_the_field(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post("/account/emails/add", {"email": cast.owner.email})
    assert response.status_code == 422
    assert response.context["form"].errors["email"] == ["This address already belongs to an account."]
    assert f'value="{cast.owner.email}"' in response.content.decode()


def test_the_primary_address_cannot_be_removed(signed_in, cast):
    client = signed_in(cast.member)
    primary = client.get("/account/emails").context["emails"][0]
    response = client.post(f"/account/emails/{primary.id}/remove", follow=True)
    assert primary.email in response.content.decode()
    assert any(e.primary for e in response.context["emails"])


def test_emails_of_another_user_are_not_found(signed_in, cast, api, login):
    owner = login(cast.owner)
    theirs = api.get("/me/emails", headers={"Authorization": f"Bearer {owner['accessToken']}"}).json()["items"][0]
    client = signed_in(cast.member)
    assert client.post(f"/account/emails/{theirs['id']}/remove").status_code == 404


def test_sessions_mark_this_browser_and_revoke_another(signed_in, cast, api, login):
    other = login(cast.member)
    client = signed_in(cast.member)
    page = client.get("/account/sessions")
    assert history(page) == ["GET /me/logins"]
    logins = page.context["logins"]
    assert len(logins) == 2 and sum(login.current for login in logins) == 1
    assert "This browser" in page.content.decode() and "Signed in with password" in page.content.decode()
    target = next(login for login in logins if not login.current)
    response = client.post(f"/account/sessions/{target.id}/revoke")
    assert response["Location"] == "/account/sessions"
    assert api.get("/me", headers={"Authorization": f"Bearer {other['accessToken']}"}).status_code == 401
    assert len(client.get("/account/sessions").context["logins"]) == 1


def test_revoking_this_login_signs_out(signed_in, cast):
    client = signed_in(cast.member)
    current = next(login for login in client.get("/account/sessions").context["logins"] if login.current)
    response = client.post(f"/account/sessions/{current.id}/revoke", {"current": "true"})
    assert response["Location"] == "/sign-in" and tokens_of(client) is None


def test_sign_out_everywhere(signed_in, cast, api, login):
    other = login(cast.member)
    client = signed_in(cast.member)
    response = client.post("/account/sessions/revoke-all")
    assert response["Location"] == "/sign-in" and tokens_of(client) is None
    assert api.get("/me", headers={"Authorization": f"Bearer {other['accessToken']}"}).status_code == 401


def test_unknown_login_is_not_found(signed_in, cast):
    assert signed_in(cast.member).post("/account/sessions/NOPE123/revoke").status_code == 404


def test_htmx_refresh_of_the_session_list(signed_in, cast):
    response = signed_in(cast.member).get(
        "/account/sessions", headers={"HX-Request": "true", "HX-Target": "login-list"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="login-list"') and "<html" not in html


def test_trusted_devices_empty_state_with_one_call(signed_in, cast):
    response = signed_in(cast.member).get("/account/devices")
    assert history(response) == ["GET /me/trusted-devices"]
    assert "No trusted devices" in response.content.decode()


def test_unknown_trusted_device_is_not_found(signed_in, cast):
    assert signed_in(cast.member).post("/account/devices/NOPE123/revoke").status_code == 404


def test_my_teams_with_team_roles(signed_in, cast):
    response = signed_in(cast.member).get("/account/teams")
    assert history(response) == ["GET /me/teams"]
    html = " ".join(response.content.decode().split())
    assert "Data Platform" in html and "Contributor" in html


def test_my_teams_inherited_for_an_admin(signed_in, cast):
    text = text_of(signed_in(cast.admin).get("/account/teams"))
    assert "Data Platform" in text and "Team Admin inherited" in text
    assert "Owners and Admins are Team Admins of every team" in text


def test_my_teams_empty(signed_in, cast):
    assert "No teams" in signed_in(cast.outsider).get("/account/teams").content.decode()


def test_account_pages_when_the_platform_is_down(signed_in, cast):
    client = signed_in(cast.member)
    for path, url in (
        ("/me/emails", "/account/emails"),
        ("/me/logins", "/account/sessions"),
        ("/me/teams", "/account/teams"),
    ):
        with faults(on(path, httpx.ConnectError("refused"))):
            assert client.get(url).status_code == 503


def test_read_pages_accept_only_reads(signed_in, cast):
    client = signed_in(cast.member)
    for url in ("/account/emails", "/account/sessions", "/account/devices", "/account/teams"):
        assert client.post(url).status_code == 405
    assert client.get("/account/sessions/revoke-all").status_code == 405


def test_user_menu_links_to_my_account_and_the_mailbox(signed_in, cast):
    html = signed_in(cast.member).get("/account").content.decode()
    assert 'href="/account">' in html and "My account" in html and 'href="/dev-mailbox"' in html


def test_password_stays_out_of_the_page(signed_in, cast):
    client = signed_in(cast.member)
    response = sign_in(client, cast.member)  # already signed in: redirect
    assert response.status_code == 302


def test_sessions_show_the_browser_device(client, cast):
    firefox = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0"
    client.post(
        "/sign-in", {"email": cast.member.email, "password": cast.member.password}, headers={"User-Agent": firefox}
    )
    [login] = client.get("/account/sessions").context["logins"]
    assert login.user_agent == firefox and "Firefox" in (login.device or "")


def test_profile_keeps_the_names_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.member)
    typed = {"given_name": "Mia", "family_name": "Müller-Lüdenscheidt", "display_name": "Mia <M>"}
    with faults(writes_fail):
        response = client.post("/account", typed)
    assert response.status_code == 422
    assert_kept(response, typed)
    assert client.session["platform.identity"]["display_name"] == "Mia Member"


def test_refused_profile_over_htmx_is_the_form_alone(signed_in, cast):
    client = signed_in(cast.member)
    refusal = error_response(422, "validation_failed", fieldErrors={"displayName": "Not allowed."})
    with faults(on("/me", refusal, method="PATCH")):
        response = client.post(
            "/account",
            {"given_name": "A", "family_name": "B", "display_name": "Bad"},
            headers={"HX-Request": "true", "HX-Target": "profile-form", "HX-Trigger": "profile-form"},
        )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="profile-form"') and "<html" not in html
    assert "Not allowed." in html and 'value="Bad"' in html


def test_add_email_keeps_the_address_when_the_platform_fails_on_submit(signed_in, cast):
    client = signed_in(cast.member)
    with faults(writes_fail):
        response = client.post("/account/emails/add", {"email": "mia.private@example.test"})
    assert response.status_code == 422
    assert_kept(response, {"email": "mia.private@example.test"})
    assert "Primary" in response.content.decode()  # the list is still drawn around the form


def test_refused_address_over_htmx_is_the_form_alone(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post(
        "/account/emails/add",
        {"email": cast.owner.email},
        headers={"HX-Request": "true", "HX-Target": "email-add-form", "HX-Trigger": "email-add-form"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="email-add-form"') and "<html" not in html
    assert "This address already belongs to an account." in html
    assert history(response) == ["POST /me/emails"]  # no list needed for the form alone
