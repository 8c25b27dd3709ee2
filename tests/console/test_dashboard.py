"""Dashboard: what each person in the cast sees, how many platform calls it costs, and its htmx partial."""

import re

import httpx

from localplatform.identity.models import Organization
from localplatform.identity.services import directory, members
from localplatform.identity.services import teams as team_service
from tests.client.support import faults, on


def text_of(response) -> str:
    """The page's visible words, whitespace collapsed (tags dropped)."""
    html = re.sub(r"<(script|template)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_owner_sees_the_organization(signed_in, cast):
    response = signed_in(cast.owner).get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "console/dashboard/show.html"
    text = text_of(response)
    assert "<h1>Acme Analytics</h1>" in response.content.decode()
    assert "Members 3 None deactivated" in text
    assert "Active members 3" in text
    assert "Teams 1 Groups" in text
    assert "Your roles Owner Includes break-glass access" in text
    assert "You hold a break-glass role" in text
    assert "Data Platform Runs the lakehouse. 2" in text
    assert "Olivia Owner" in text and "owner@acme.test" in text


def test_members_by_role_are_bars_with_counts(signed_in, cast):
    response = signed_in(cast.owner).get("/")
    roles = {summary.role.name: summary.member_count for summary in response.context["roles"]}
    assert roles == {"Owner": 1, "Admin": 1, "Member": 1, "Billing Viewer": 0, "Auditor": 0}
    text = text_of(response)
    for name, count in roles.items():
        assert f"{name} {count} member{'' if count == 1 else 's'}" in text
    html = response.content.decode()
    assert 'class="bar-fill" width="33.3%"' in html  # 1 of 3 members
    assert 'class="bar-fill" width="0%"' in html


def test_plain_member_sees_a_read_only_dashboard(signed_in, cast):
    response = signed_in(cast.member).get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Acme Analytics" in text and "Mia Member" in text
    assert "Your roles Member Apply across the organization" in text
    assert "break-glass" not in text
    assert "Multi-factor authentication Optional" in text
    assert "Session lifetime 12 hours" in text and "Invitations expire after 7 days" in text
    # Nothing to act on: the only forms are the user menu's (theme, sign out).
    actions = re.findall(r'<form[^>]*action="([^"]+)"', response.content.decode())
    assert sorted(set(actions)) == ["/sign-out", "/theme"]


def test_security_settings_follow_the_organization(signed_in, cast):
    client = signed_in(cast.admin)  # requireMfa applies from the next login (§3.14): this one is not gated
    directory.update_settings(
        cast.org, by=cast.owner.member, require_mfa=True, session_lifetime_minutes=90, invitation_expiry_hours=36
    )
    text = text_of(client.get("/"))
    assert "Multi-factor authentication Required" in text
    assert "Session lifetime 1 hour 30 minutes" in text
    assert "Invitations expire after 1 day 12 hours" in text


def test_deactivated_members_are_counted_apart(signed_in, cast):
    members.deactivate_member(cast.member.member, by=cast.owner.member)
    text = text_of(signed_in(cast.owner).get("/"))
    assert "Members 3 1 deactivated" in text
    assert "Active members 2" in text


def test_organization_without_teams_shows_the_empty_state(signed_in, cast):
    response = signed_in(cast.outsider).get("/")
    text = text_of(response)
    assert "<h1>Globex</h1>" in response.content.decode()
    assert "No teams yet" in text
    assert "Teams 0" in text


def test_teams_card_shows_the_first_teams_by_name(signed_in, cast):
    for name in ["Zeta", "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Eta"]:
        team_service.create_team(cast.org, name, cast.owner.member)
    response = signed_in(cast.owner).get("/")
    shown = [summary.team.name for summary in response.context["teams"].items]
    assert shown == ["Alpha", "Beta", "Data Platform", "Delta", "Epsilon", "Eta"]
    assert "First 6 of 8, by name" in text_of(response)


def test_dashboard_makes_five_platform_calls(signed_in, cast):
    response = signed_in(cast.owner).get("/")
    platform = response.wsgi_request.platform
    assert [entry.rsplit(" ", 1)[0] for entry in platform.history] == [
        "GET /org/settings",
        "GET /org/roles",
        "GET /org/teams",
        "GET /org/members",
        "GET /org/members",
    ]
    assert platform.calls == 5


def test_anonymous_is_sent_to_sign_in(client, cast):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=%2F"


def test_dashboard_accepts_only_reads(signed_in, cast):
    assert signed_in(cast.owner).post("/").status_code == 405


def test_htmx_refresh_returns_only_the_overview(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.get("/", headers={"HX-Request": "true", "HX-Target": "overview"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="overview">')
    assert "<html" not in html and "app-sidebar" not in html and "<h1>" not in html
    assert "Members by role" in html
    assert "HX-Request" in response["Vary"]


def test_full_page_also_varies_on_htmx(signed_in, cast):
    client = signed_in(cast.owner)
    page = client.get("/")
    assert "HX-Request" in page["Vary"]
    # An htmx request aimed at another element (or a boost) gets the whole page.
    other = client.get("/", headers={"HX-Request": "true", "HX-Target": "main"})
    assert "<html" in other.content.decode()


def test_unreachable_platform_on_refresh_is_an_inline_retry(signed_in, cast):
    client = signed_in(cast.owner)
    with faults(on("/org/teams", httpx.ConnectError("refused"))):
        response = client.get("/", headers={"HX-Request": "true", "HX-Target": "overview"})
    assert response.status_code == 503
    html = response.content.decode()
    assert 'class="retry-block"' in html and "<html" not in html
    assert 'hx-target="#overview"' in html


def test_outsider_sees_only_their_own_organization(signed_in, cast):
    text = text_of(signed_in(cast.outsider).get("/"))
    assert "Acme Analytics" not in text
    assert Organization.objects.get(name="Globex").name in text
