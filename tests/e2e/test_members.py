"""Browser journeys of the members screens: search as you type on a large directory, selection and bulk bar,
the invite journey through the Dev mailbox, the last-Owner refusal, and screenshots of every screen."""

import re
import shutil

import pytest
from playwright.sync_api import Page, expect

from localplatform.identity.models import Member, TeamMember
from tests.console.test_members import seed_members
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

OUT = SCREENSHOTS.parent / "members"
PHONE_OUT = SCREENSHOTS.parent / "phone"


@pytest.fixture
def snap(shoot):
    """snap(page, name): shoot() into var/screenshots/e2e/, copied to var/screenshots/members/<name>.png."""

    def _snap(page: Page, name: str) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        shutil.copy(shoot(page, name), OUT / f"{name}.png")

    return _snap


def set_theme(page: Page, theme: str) -> None:
    page.evaluate("t => document.documentElement.setAttribute('data-bs-theme', t)", theme)
    page.wait_for_timeout(400)  # let colour transitions finish before the screenshot


def both_themes(page: Page, snap, name: str) -> None:
    for theme in ("light", "dark"):
        set_theme(page, theme)
        snap(page, f"{name}-{theme}")
    set_theme(page, "light")


def test_search_as_you_type_on_two_thousand_members(page: Page, cast, live_server, snap, axe_check):
    seed_members(cast.org, 2000)
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page).to_have_url(f"{live_server.url}/members")
    expect(page.get_by_role("status").filter(has_text="2,003 members")).to_be_visible()
    axe_check(page)
    both_themes(page, snap, "list")

    page.evaluate("window.__sameDocument = true")  # gone if the browser loads a new page
    with page.expect_response(lambda r: "/members?" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label("Search members").press_sequentially("liv.jensen", delay=40)
    expect(page.get_by_role("status").filter(has_text="13 members match")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/members\?q=liv\.jensen"))
    assert page.evaluate("window.__sameDocument") is True
    rows = page.locator("#member-table tbody tr")
    expect(rows).to_have_count(13)
    expect(rows.first).to_contain_text("Liv Jensen")

    # Sort by email, descending, without leaving the page; the query stays.
    page.get_by_role("link", name=re.compile("^Email")).click()
    page.get_by_role("link", name=re.compile("^Email.*sorted ascending")).click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Email")
    expect(page).to_have_url(re.compile(r"q=liv\.jensen.*sort=-email"))
    assert page.evaluate("window.__sameDocument") is True

    # A filter narrows the same search in place.
    page.get_by_label("Status").select_option("deactivated")
    expect(page.get_by_role("status").filter(has_text="0 members match")).to_be_visible()
    expect(page).to_have_url(re.compile(r"status=deactivated"))
    page.get_by_label("Status").select_option("")
    expect(rows).to_have_count(13)
    assert page.evaluate("window.__sameDocument") is True

    # Reloading the URL gives the same list (filters live in the URL).
    page.reload()
    expect(page.get_by_label("Search members")).to_have_value("liv.jensen")
    expect(rows).to_have_count(13)

    # Selection and the bulk bar.
    page.get_by_label("Select Liv Jensen 1946").check()
    page.get_by_label("Select Liv Jensen 1796").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("2 selected")
    both_themes(page, snap, "selection")
    page.get_by_role("button", name="Remove").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Remove 2 members?")
    expect(dialog).to_contain_text("Liv Jensen 1946")
    expect(dialog).to_contain_text("Liv Jensen 1796")
    axe_check(page)
    both_themes(page, snap, "bulk-remove-dialog")
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Member.objects.filter(organization=cast.org).count() == 2003


def test_plain_member_sees_a_read_only_directory(page: Page, cast, live_server, snap):
    page.goto("/members")
    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(0)
    expect(page.get_by_role("link", name="Invite members")).to_have_count(0)
    both_themes(page, snap, "list-read-only")


def test_invite_journey_through_the_dev_mailbox(page: Page, cast, live_server, snap, axe_check, outbox):
    # No LAKESAIL_PUBLIC_BASE_URL: the links in the mail point at the origin the browser used (§7).
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_role("link", name="Invite members").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label("Email addresses")).to_be_visible()

    # First attempt: one address is already a member; the error names it and the input stays.
    expect(dialog.locator(".error-summary")).to_have_count(0)
    dialog.get_by_label("Email addresses").fill("member@acme.test, not-an-address")
    dialog.get_by_role("checkbox", name=re.compile("^Admin")).check()
    dialog.get_by_label("Data Platform").select_option(label="Contributor (default)")
    dialog.get_by_label("Personal message").fill("Welcome aboard!")
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog).to_contain_text("Not an email address: not-an-address.")
    # One field failed: its error shows at the field, with no summary above (that is for several).
    expect(dialog.locator(".error-summary")).to_have_count(0)
    expect(dialog.get_by_label("Email addresses")).to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Email addresses")).to_be_focused()
    expect(dialog.get_by_label("Personal message")).to_have_value("Welcome aboard!")
    expect(dialog.get_by_role("checkbox", name=re.compile("^Admin"))).to_be_checked()
    axe_check(page)
    both_themes(page, snap, "invite-dialog-errors")

    dialog.get_by_label("Email addresses").fill("member@acme.test, nina@new.test")
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog).to_contain_text("member@acme.test:")
    expect(dialog.get_by_label("Email addresses")).to_have_value("member@acme.test")
    dialog.get_by_role("link", name="Cancel").click()

    page.goto("/members/invitations")
    expect(page.get_by_role("cell", name=re.compile("^nina@new.test"))).to_be_visible()
    expect(page.locator("tbody tr").first).to_contain_text("Data Platform (Contributor)")
    axe_check(page)
    both_themes(page, snap, "invitations")

    # Revoke is the row action; its dialog dismisses with "Keep it" and nothing changes.
    page.get_by_role("button", name="Revoke the invitation of nina@new.test").click()
    confirm = page.get_by_role("dialog", name="Revoke this invitation?")
    expect(confirm.get_by_role("button", name="Revoke invitation")).to_be_visible()
    both_themes(page, snap, "invitation-revoke-confirm")
    confirm.get_by_role("button", name="Keep it").click()
    expect(confirm).to_be_hidden()
    expect(page.get_by_role("cell", name=re.compile("^nina@new.test"))).to_be_visible()

    # The invitee: signed out, reads the mail in the Dev mailbox and follows the link.
    page.context.clear_cookies()
    page.goto("/dev-mailbox")
    page.locator(".mailbox-item", has_text="invited you to Acme Analytics").first.click()
    page.locator('a[href*="/invitations/"]').first.click()
    expect(page.get_by_role("heading", name="Join Acme Analytics")).to_be_visible()
    expect(page.get_by_text("Olivia Owner invited nina@new.test")).to_be_visible()
    axe_check(page)
    both_themes(page, snap, "accept-new-account")
    page.get_by_label("Given name").fill("Nina")
    page.get_by_label("Family name").fill("New")
    page.get_by_label("Password").fill("a-long-enough-password")
    page.get_by_role("button", name="Create account and join").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Welcome to Acme Analytics")).to_be_visible()

    # Nina is in Members with Admin and the Data Platform team.
    page.goto("/members?q=nina")
    row = page.locator("#member-table tbody tr", has_text="Nina New")
    expect(row).to_contain_text("Admin")
    member = Member.objects.get(user__email="nina@new.test")
    assert {role.key for role in member.roles.all()} == {"admin"}
    placement = TeamMember.objects.get(member=member)
    assert placement.team == cast.team and [role.key for role in placement.roles.all()] == ["contributor"]
    page.goto(f"/members/{member.id}")
    expect(page.get_by_role("cell", name="Data Platform")).to_be_visible()
    expect(page.get_by_role("cell", name="Contributor")).to_be_visible()


def test_accept_page_for_an_existing_account(page: Page, cast, live_server, snap, outbox):
    page.goto("/members/invite")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_label("Email addresses").fill(cast.outsider.email)
    page.get_by_role("button", name="Send invitations").click()
    expect(page).to_have_url(f"{live_server.url}/members/invitations")
    page.context.clear_cookies()
    page.goto("/dev-mailbox")
    page.locator(".mailbox-item", has_text="invited you to Acme Analytics").first.click()
    page.locator('a[href*="/invitations/"]').first.click()
    expect(page.get_by_role("link", name="Sign in to accept")).to_be_visible()
    both_themes(page, snap, "accept-sign-in")
    page.get_by_role("link", name="Sign in to accept").click()
    sign_in(page, cast.outsider.email, cast.outsider.password)
    page.get_by_role("button", name="Accept and join Acme Analytics").click()
    expect(page.get_by_text("You joined Acme Analytics")).to_be_visible()
    assert Member.objects.filter(organization=cast.org, user=cast.outsider.user).exists()


def test_last_owner_cannot_be_removed_or_demoted(page: Page, cast, live_server, snap, axe_check):
    page.goto(f"/members/{cast.owner.member.id}")
    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page.get_by_role("heading", name="Olivia Owner")).to_be_visible()
    both_themes(page, snap, "detail")

    page.get_by_role("checkbox", name=re.compile("^Owner")).uncheck()
    page.get_by_role("checkbox", name=re.compile("^Admin")).check()
    page.get_by_role("button", name="Save roles").click()
    alert = page.get_by_role("alert").filter(has_text=re.compile("Owner", re.I))
    expect(alert).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("^Admin"))).to_be_checked()  # the choice is kept
    both_themes(page, snap, "detail-last-owner-demote")

    page.get_by_role("button", name="Leave").click()
    page.get_by_role("dialog").get_by_role("button", name="Leave").click()
    expect(page.locator("#remove-refusal")).to_contain_text(re.compile("owner", re.I))
    axe_check(page)
    both_themes(page, snap, "detail-last-owner-remove")
    assert cast.owner.member.roles.filter(key="owner").exists()


def test_roles_screens(page: Page, cast, live_server, snap, axe_check):
    page.goto("/roles")
    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="Organization roles")).to_be_visible()
    axe_check(page)
    both_themes(page, snap, "roles")
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Admin", level=1)).to_be_visible()
    axe_check(page)
    both_themes(page, snap, "role-detail")
    page.goto("/roles/permissions")
    expect(page.get_by_text("CanSubmitMetering")).to_be_visible()
    both_themes(page, snap, "permissions")


def test_bulk_change_roles(page: Page, cast, live_server, snap):
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_label("Select Mia Member").check()
    page.get_by_label("Select Adam Admin").check()
    expect(page.locator("[data-bulk-count]")).to_have_text("2 selected")
    page.get_by_role("button", name="Change roles").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Change the roles of 2 members")
    confirm = dialog.get_by_label("I understand this grants unrestricted access")
    expect(confirm).to_be_hidden()  # shown only when a break-glass role is chosen
    dialog.get_by_role("checkbox", name=re.compile("^Owner")).check()
    expect(confirm).to_be_visible()
    dialog.get_by_role("checkbox", name=re.compile("^Owner")).uncheck()
    dialog.get_by_role("checkbox", name=re.compile("^Auditor")).check()
    both_themes(page, snap, "bulk-roles-dialog")
    dialog.get_by_role("button", name="Save roles for 2 members").click()
    expect(page.get_by_text("Changed the roles of 2 members")).to_be_visible()
    expect(page.locator("#member-table tbody tr", has_text="Mia Member")).to_contain_text("Auditor")
    assert set(cast.member.member.roles.values_list("key", flat=True)) == {"auditor"}


def test_a_member_opening_the_invite_form_by_url_is_told_at_once(page: Page, cast, live_server, snap):
    page.goto("/members/invite")
    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="You don't have access to this")).to_be_visible()
    expect(page.get_by_text("Only Owners and Admins can invite members.")).to_be_visible()
    expect(page.get_by_label("Email addresses")).to_have_count(0)
    both_themes(page, snap, "invite-forbidden")


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_phone_screenshots(browser, live_server, cast, outbox, theme):
    """The members, invitations, teams and dashboard screens at 390 px: nothing scrolls sideways."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, color_scheme=theme)
    page = context.new_page()
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    PHONE_OUT.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        page.evaluate("window.scrollTo(0, 0)")
        expect(page.locator("html")).to_have_attribute("data-bs-theme", theme)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        page.screenshot(path=str(PHONE_OUT / f"{name}-{theme}.png"), full_page=True)
        assert width <= PHONE["width"], f"{name} scrolls sideways: {width}px"

    shot("members")
    page.get_by_role("link", name="Invite members").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Email addresses").fill("not-an-address")
    dialog.get_by_role("checkbox", name=re.compile("^Owner")).check()
    dialog.get_by_role("button", name="Send invitations").click()
    expect(dialog.locator(".error-summary")).to_be_visible()
    shot("invite-dialog-errors")
    page.goto(f"/members/{cast.member.member.id}")
    shot("member-detail")
    page.goto("/members/invite")
    page.get_by_label("Email addresses").fill("nina@new.test")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.locator("#invitation-table tbody tr", has_text="nina@new.test")).to_be_visible()
    shot("invitations")
    page.goto("/teams")
    shot("teams")
    page.goto(f"/teams/{cast.team.id}")
    shot("team")
    page.goto("/")
    shot("dashboard")
    context.close()

    # A Member's dashboard lists their own teams, with their role in each.
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, color_scheme=theme)
    page = context.new_page()
    page.goto("/")
    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="Your teams")).to_be_visible()
    shot("member-dashboard")
    context.close()
