"""My account's way-finding and words (issue 15): copyable ids, team names that lead to their teams, sign-in words."""

import re

from localplatform.identity.models import Team
from tests.console.test_dashboard import text_of


def history(response) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def test_profile_shows_the_account_and_organization_ids_with_copy(signed_in, cast):
    response = signed_in(cast.member).get("/account")
    assert history(response) == ["GET /me"]  # the ids come with the profile: no extra call
    html = response.content.decode()
    for element, value in (("account-id", cast.member.user.id), ("organization-id", cast.org.id)):
        assert f'<code id="{element}">{value}</code>' in html
        assert re.search(rf'<button type="button"[^>]*data-copy-target="{element}"[^>]*>Copy<', html)
    text = text_of(response)
    assert "Account ID" in text and "Organization ID" in text


def test_a_refused_profile_save_draws_no_ids(signed_in, cast):
    client = signed_in(cast.member)
    response = client.post("/account", {"given_name": "", "family_name": "B", "display_name": "C"})
    assert response.status_code == 422 and 'id="account-id"' not in response.content.decode()


def test_my_team_names_lead_to_their_team_pages(signed_in, cast):
    client = signed_in(cast.member)
    response = client.get("/account/teams")
    assert history(response) == ["GET /me/teams"]
    assert f'<a class="fw-semibold" href="/teams/{cast.team.id}">Data Platform</a>' in response.content.decode()
    team_page = client.get(f"/teams/{cast.team.id}")
    assert team_page.status_code == 200 and "Data Platform" in text_of(team_page)


def test_inherited_teams_link_too_and_are_marked_once_with_the_reason(signed_in, cast):
    html = signed_in(cast.admin).get("/account/teams").content.decode()
    for team in Team.objects.filter(organization=cast.org):
        assert f'href="/teams/{team.id}"' in html
    assert html.count("Owners and Admins are Team Admins of every team") == 1


def test_a_member_without_teams_has_no_links(signed_in, cast):
    html = signed_in(cast.outsider).get("/account/teams").content.decode()
    assert "No teams yet" in html and 'href="/teams/' not in html.split("<main", 1)[1]


def test_sessions_name_the_way_each_sign_in_was_made(client, cast, outbox):
    from tests.console.accounts_support import last_mail, mailed_code

    client.post("/sign-in/code", {"email": cast.member.email})
    client.post("/sign-in/code/verify", {"code": mailed_code(last_mail(cast.member.email))})
    text = text_of(client.get("/account/sessions"))
    assert "Signed in with an emailed code" in text and "This browser" in text
    assert "Signed in with code" not in text
