"""Dashboard: what each person in the cast sees, how many platform calls it costs, and its htmx partial."""

import re

import httpx
import pytest

from localplatform.identity.models import Organization
from localplatform.identity.services import directory, members
from localplatform.identity.services import teams as team_service
from tests.client.support import faults, on
from tests.conftest import _person


def text_of(response) -> str:
    """The page's visible words, whitespace collapsed (tags dropped)."""
    html = re.sub(r"<(script|template)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def links_of(response) -> dict[str, str]:
    """Stat card label -> where the card links."""
    html = response.content.decode()
    found = re.findall(
        r'<a class="stat-card-link" href="([^"]+)">.*?<p class="stat-card-label">([^<]+)</p>', html, re.S
    )
    return {label: href for href, label in found}


@pytest.fixture
def newcomer(cast):
    return _person(cast.org, "nia@acme.test", "Nia", "Newcomer", "member")


def test_owner_sees_the_organization(signed_in, cast):
    response = signed_in(cast.owner).get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "console/dashboard/show.html"
    text = text_of(response)
    assert "<h1>Acme Analytics</h1>" in response.content.decode()
    assert "Members 3 Everyone in the organization" in text
    assert "Teams 1 You are Team Admin (inherited) of each" in text
    assert "Your roles Owner Includes break-glass access" in text
    assert "You hold a break-glass role" in text
    assert "Team Members Data Platform Runs the lakehouse. 2" in text
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


def test_the_member_count_is_the_directory_it_links_to(signed_in, cast):
    """Deactivated members are members too: the card counts what /members lists without a filter."""
    members.deactivate_member(cast.member.member, by=cast.owner.member)
    client = signed_in(cast.owner)
    response = client.get("/")
    assert "Members 3 Everyone in the organization" in text_of(response)
    assert links_of(response)["Members"] == "/members"
    assert client.get("/members").context["table"].total == 3


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
    shown = [line.team.name for line in response.context["teams"]]
    assert shown == ["Alpha", "Beta", "Data Platform", "Delta", "Epsilon", "Eta"]
    assert "First 6 of 8, by name" in text_of(response)
    assert 'href="/teams">All 8 teams</a>' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "teams_call"),
    [
        ("owner", "GET /org/teams"),  # Team Admin of every team: the organization's first page of teams
        ("admin", "GET /org/teams"),
        ("member", "GET /me/teams"),  # everyone else: their own teams, instead of the organization's
    ],
)
def test_dashboard_makes_four_platform_calls(signed_in, cast, who, teams_call):
    response = signed_in(getattr(cast, who)).get("/")
    platform = response.wsgi_request.platform
    assert [entry.rsplit(" ", 1)[0] for entry in platform.history] == [
        "GET /org/settings",
        "GET /org/roles",
        "GET /org/members",
        teams_call,
    ]
    assert platform.calls == 4


def test_a_member_sees_their_own_teams_with_their_role(signed_in, cast, other_team):
    response = signed_in(cast.member).get("/")
    text = text_of(response)
    assert "Your teams 1 Teams you belong to" in text
    assert "Team Members Data Platform Runs the lakehouse. Your team role: Contributor 2" in text
    assert "Growth" not in text  # a team of the organization Mia is not in
    html = response.content.decode()
    assert f'<a class="cell-primary team-link" href="/teams/{cast.team.id}">Data Platform</a>' in html
    assert links_of(response)["Your teams"] == "/account/teams"


def test_a_member_without_teams_is_told_where_to_look(signed_in, cast, newcomer):
    response = signed_in(newcomer).get("/")
    text = text_of(response)
    assert "Your teams 0" in text and "You are not in a team yet" in text
    assert 'href="/teams">Browse teams</a>' in response.content.decode()


def test_cards_and_role_bars_link_to_the_lists_they_count(signed_in, cast):
    client = signed_in(cast.owner)
    response = client.get("/")
    links = links_of(response)
    assert links["Members"] == "/members" and links["Teams"] == "/teams"
    assert links["Your roles"] == f"/members/{cast.owner.member.id}"
    html = response.content.decode()
    bars = dict(re.findall(r'<a href="(/members\?role=[A-Z0-9]+)">\s*<span class="role-name">([^<]+)</span>', html))
    assert set(bars.values()) == {"Owner", "Admin", "Member", "Billing Viewer", "Auditor"}
    # Each bar's count is the number of members its link lists.
    for url, name in bars.items():
        count = next(s.member_count for s in response.context["roles"] if s.role.name == name)
        assert client.get(url).context["table"].total == count, name


def test_a_failing_teams_call_is_an_inline_retry(signed_in, cast):
    client = signed_in(cast.member)
    with faults(on("/me/teams", httpx.ConnectError("refused"))):
        response = client.get("/", headers={"HX-Request": "true", "HX-Target": "overview"})
    assert response.status_code == 503 and 'hx-target="#overview"' in response.content.decode()


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
