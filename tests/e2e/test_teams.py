"""Teams in the browser: the whole life of a team, watched from its members' "My teams" pages; name clashes;
what a Team Admin and a Contributor are offered; screenshots of every teams screen in light and dark."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from localplatform.identity.models import Team
from tests.conftest import _person
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "teams"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky app bar is drawn where the page was scrolled to
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def open_as(browser: Browser, live_server, person, theme: str = "light") -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    host = re.sub(r"^https?://", "", live_server.url).split(":")[0]
    context.add_cookies([{"name": "theme", "value": theme, "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto("/sign-in")
    sign_in(page, person.email, person.password)
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    return page


def my_teams(page: Page) -> dict[str, str]:
    """Team name -> "your roles" cell, from My account → My teams."""
    page.goto("/account/teams")
    rows = page.get_by_role("region", name="My teams").get_by_role("row")
    result = {}
    for n in range(1, rows.count()):
        cells = rows.nth(n).get_by_role("cell")
        name = cells.nth(0).locator(".fw-semibold").inner_text().strip()
        result[name] = cells.nth(1).inner_text().strip()
    return result


def role_radio(scope, role: str):
    """The radio of one team role ("Contributor", shown "Contributor (default)" when it is the team's default)."""
    return scope.get_by_role("radio", name=re.compile(rf"^{role}( \(default\))?$"))


def add_member(page: Page, text: str, name: str, role: str) -> None:
    page.wait_for_load_state()  # htmx binds the picker once the document has loaded
    page.get_by_label("Find a member by name or email").fill(text)
    page.get_by_role("radio", name=re.compile(name)).check()
    roles = page.locator(".picker-roles")
    expect(roles.get_by_role("checkbox")).to_have_count(0)  # one role per team
    role_radio(roles, role).check()
    page.get_by_role("button", name="Add to team").click()
    expect(page.get_by_text(f"{name} added to the team.")).to_be_visible()


@pytest.fixture
def nia(cast):
    return _person(cast.org, "nia@acme.test", "Nia", "Newcomer", "member")


def test_team_life_followed_on_my_teams(browser: Browser, live_server, cast, team_admin, nia, axe_check):
    admin = open_as(browser, live_server, cast.admin)
    people = {"Mia": cast.member, "Nia": nia, "Tara": team_admin}
    watchers = {name: open_as(browser, live_server, person) for name, person in people.items()}

    # Create the team from the dialog.
    admin.goto("/teams")
    admin.get_by_role("link", name="New team").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Growth")
    dialog.get_by_label("Description").fill("Experiments and funnels")
    dialog.get_by_role("button", name="Create team").click()
    expect(admin.get_by_role("heading", name="Growth", level=1)).to_be_visible()
    team = Team.objects.get(name="Growth")
    assert all("Growth" not in my_teams(page) for page in watchers.values())

    # Three members, three different team roles.
    add_member(admin, "mia", "Mia Member", "Viewer")
    add_member(admin, "nia@", "Nia Newcomer", "Contributor")
    add_member(admin, "tara", "Tara Teamadmin", "Team Admin")
    assert my_teams(watchers["Mia"])["Growth"] == "Viewer"
    assert my_teams(watchers["Nia"])["Growth"] == "Contributor"
    assert my_teams(watchers["Tara"])["Growth"] == "Team Admin"
    axe_check(admin)

    # Sort the members by email, descending: the table alone is swapped and the URL follows.
    admin.get_by_role("link", name=re.compile("^Email")).click()
    expect(admin).to_have_url(re.compile(r"\?sort=email$"))
    admin.get_by_role("link", name=re.compile("^Email")).click()
    expect(admin).to_have_url(re.compile(r"\?sort=-email$"))
    emails = admin.get_by_role("region", name=re.compile("^Members of Growth")).locator(
        "td.cell-secondary:has-text('@')"
    )
    expect(emails).to_have_text(
        ["tara@acme.test", "owner@acme.test", "nia@acme.test", "member@acme.test", "admin@acme.test"]
    )
    expect(admin.get_by_role("columnheader", name=re.compile("^Email"))).to_have_attribute("aria-sort", "descending")

    # Change Mia's role inline: choosing Contributor leaves Viewer, one role per team.
    admin.locator("summary", has_text="Change the team role of Mia Member").click()
    cell = admin.locator(f"#member-roles-{cast.member.member.id}")
    expect(role_radio(cell, "Viewer")).to_be_checked()
    role_radio(cell, "Contributor").check()
    expect(role_radio(cell, "Viewer")).not_to_be_checked()
    cell.get_by_role("button", name="Save role").click()
    expect(admin.get_by_text("Mia Member is now Contributor in this team.")).to_be_visible()
    expect(cell.locator(".role-pill")).to_have_text(["Contributor"])
    assert my_teams(watchers["Mia"])["Growth"] == "Contributor"

    # Remove Nia, after confirming.
    admin.get_by_role("button", name="Remove Nia Newcomer").click()
    confirm = admin.get_by_role("dialog", name="Remove Nia Newcomer from Growth?")
    expect(confirm).to_contain_text("They stay in the organization.")
    confirm.get_by_role("button", name="Remove from team").click()
    expect(admin.get_by_text("Member removed from the team.")).to_be_visible()
    assert "Growth" not in my_teams(watchers["Nia"])
    assert "Growth" in my_teams(watchers["Mia"])

    # Rename it on the settings tab.
    admin.get_by_role("link", name="Settings").click()
    admin.get_by_label("Name").fill("Growth Lab")
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_text("Team settings saved.")).to_be_visible()
    assert "Growth Lab" in my_teams(watchers["Mia"]) and "Growth Lab" in my_teams(watchers["Tara"])

    # Delete it: the confirmation says what the members lose.
    admin.get_by_role("button", name="Delete team").click()
    confirm = admin.get_by_role("dialog", name="Delete Growth Lab?")
    expect(confirm).to_contain_text("3 members will lose their roles in this team")
    confirm.get_by_role("button", name="Delete team").click()
    expect(admin).to_have_url(f"{live_server.url}/teams")
    expect(admin.get_by_text("Team “Growth Lab” deleted.")).to_be_visible()
    assert not Team.objects.filter(id=team.id).exists()
    for page in watchers.values():
        assert "Growth Lab" not in my_teams(page)
    assert "Data Platform" in my_teams(watchers["Tara"])


def test_existing_name_in_another_case_is_an_error_at_the_name_field(page: Page, cast, live_server, axe_check):
    page.goto("/sign-in")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.goto("/teams")
    page.get_by_role("link", name="New team").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("data PLATFORM")
    dialog.get_by_label("Description").fill("A second data team")
    dialog.get_by_role("button", name="Create team").click()
    name = dialog.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(dialog.locator("#id_name_error")).to_contain_text("already exists")
    expect(name).to_have_value("data PLATFORM")
    expect(dialog.get_by_label("Description")).to_have_value("A second data team")
    expect(dialog).to_be_visible()
    axe_check(page)
    assert Team.objects.filter(organization=cast.org).count() == 1


def test_team_admin_and_contributor_are_offered_only_what_they_may_do(
    browser: Browser, live_server, cast, team_admin, other_team
):
    tara = open_as(browser, live_server, team_admin)
    tara.goto(f"/teams/{cast.team.id}")
    expect(tara.get_by_role("heading", name="Add a member")).to_be_visible()
    expect(tara.get_by_role("button", name="Remove Mia Member")).to_be_visible()
    tara.goto(f"/teams/{other_team.id}")
    expect(tara.get_by_role("heading", name="Growth", level=1)).to_be_visible()
    expect(tara.get_by_role("heading", name="Add a member")).to_have_count(0)
    expect(tara.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    tara.goto(f"/teams/{other_team.id}/settings")
    expect(tara.get_by_text("Read-only")).to_be_visible()
    expect(tara.get_by_role("button", name="Delete team")).to_have_count(0)

    mia = open_as(browser, live_server, cast.member)
    mia.goto("/teams")
    expect(mia.get_by_role("link", name="New team")).to_have_count(0)
    mia.goto(f"/teams/{cast.team.id}")
    expect(mia.locator(".inherited-note").first).to_have_text("inherited")
    expect(mia.get_by_text(re.compile(r"^4 members, 1 of them Team Admin \(inherited\)"))).to_be_visible()
    expect(mia.get_by_role("heading", name="Add a member")).to_have_count(0)
    expect(mia.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    expect(mia.get_by_text("Change", exact=True)).to_have_count(0)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshots(browser: Browser, live_server, cast, team_admin, other_team, nia, theme, axe_check):
    owner = open_as(browser, live_server, cast.owner, theme)
    owner.goto("/teams")
    expect(owner.locator("html")).to_have_attribute("data-bs-theme", theme)
    shot(owner, f"list-{theme}")
    axe_check(owner)
    owner.wait_for_load_state()
    owner.get_by_role("searchbox", name="Search teams").fill("grow")
    expect(owner.locator("#team-table-count")).to_have_text("1 team matches")
    expect(owner).to_have_url(re.compile(r"/teams\?q=grow"))
    shot(owner, f"list-search-{theme}")
    owner.goto("/teams?q=nothing")
    shot(owner, f"list-no-match-{theme}")

    owner.goto("/teams")
    owner.get_by_role("link", name="New team").click()
    dialog = owner.get_by_role("dialog")
    dialog.get_by_label("Name").fill("GROWTH")
    dialog.get_by_role("button", name="Create team").click()
    expect(dialog.locator("#id_name_error")).to_be_visible()
    shot(owner, f"create-dialog-error-{theme}")
    axe_check(owner)
    owner.goto("/teams/new")
    shot(owner, f"create-page-{theme}")

    owner.goto(f"/teams/{cast.team.id}")
    owner.wait_for_load_state()
    owner.get_by_label("Find a member by name or email").fill("acme")
    expect(owner.locator("#member-picker-results .picker-option").first).to_be_visible()
    owner.locator("summary", has_text="Change the team role of Mia Member").click()
    expect(owner.get_by_role("button", name="Save role")).to_be_visible()  # the row's form, loaded on opening
    shot(owner, f"members-{theme}")
    axe_check(owner)
    owner.get_by_role("button", name="Remove Mia Member").click()
    shot(owner, f"members-remove-confirm-{theme}")
    owner.keyboard.press("Escape")

    # Only people already on the team match: adding nobody is refused in the card, the search kept.
    owner.goto(f"/teams/{cast.team.id}")
    owner.wait_for_load_state()
    owner.get_by_label("Find a member by name or email").fill("mia")
    expect(owner.get_by_text("Already on the team")).to_be_visible()
    owner.get_by_role("button", name="Add to team").click()
    expect(owner.locator("#member-pick-error")).to_have_text("Choose a member to add.")
    expect(owner.get_by_label("Find a member by name or email")).to_have_value("mia")
    expect(owner.locator("#member-add-form-alert")).to_be_hidden()
    shot(owner, f"members-add-error-{theme}")

    owner.goto(f"/teams/{cast.team.id}/settings")
    owner.get_by_label("Name").fill("Growth")
    owner.get_by_role("button", name="Save settings").click()
    expect(owner.locator("#id_name_error")).to_be_visible()
    shot(owner, f"settings-error-{theme}")
    axe_check(owner)
    owner.goto(f"/teams/{cast.team.id}/settings")
    owner.get_by_role("button", name="Delete team").click()
    shot(owner, f"delete-confirm-{theme}")

    mia = open_as(browser, live_server, cast.member, theme)
    mia.goto(f"/teams/{cast.team.id}")
    shot(mia, f"members-read-only-{theme}")
    axe_check(mia)
    mia.goto(f"/teams/{cast.team.id}/settings")
    shot(mia, f"settings-read-only-{theme}")

    empty = open_as(browser, live_server, cast.outsider, theme)
    empty.goto("/teams")
    shot(empty, f"list-empty-{theme}")
