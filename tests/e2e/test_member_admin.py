"""Issue 11, console side of account administration in a real browser: Create user beside Invite, the temporary
password shown once and working, the profile edited in place, a member deactivated and reactivated through the
confirmation dialog, and an Admin facing an Owner's page. Screenshots light and dark, desktop and phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from localplatform.identity.models import Member
from localplatform.identity.services import directory
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "members"


def test_create_a_user_hand_over_the_password_and_administer_the_account(
    page: Page, browser: Browser, cast, live_server, shoot_both, axe_check
):
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_role("link", name="Create user").click()
    expect(page.get_by_role("heading", name="Create user", level=1)).to_be_visible()
    expect(page.get_by_label("Email address")).to_be_focused()
    axe_check(page)
    shoot_both(page, "create-user")

    page.get_by_label("Email address").fill("nina@acme.test")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#id_given_name_error")).to_be_visible()
    expect(page.locator("#id_password_error")).to_contain_text("at least 12 characters")
    expect(page.get_by_label("Email address")).to_have_value("nina@acme.test")  # nothing typed is lost
    shoot_both(page, "create-user-errors")

    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("New")
    page.get_by_label("Password").fill("")  # a temporary one, then
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", name="Nina New's account is ready")).to_be_visible()
    password = page.locator("#temporary-password").inner_text()
    assert re.fullmatch(r"\S{20}", password)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy the temporary password").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == password
    axe_check(page)
    shoot_both(page, "temporary-password")

    fresh = browser.new_context(base_url=live_server.url).new_page()
    fresh.goto("/sign-in")
    sign_in(fresh, "nina@acme.test", password)
    expect(fresh.get_by_label("Account menu for Nina New")).to_be_visible()
    fresh.context.close()

    page.get_by_role("link", name="Done").click()
    expect(page.get_by_role("heading", name="Nina New", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Account", exact=True)).to_contain_text("Enabled")
    axe_check(page)
    shoot_both(page, "member-admin")

    page.get_by_role("link", name=re.compile("^Edit")).click()
    expect(page.get_by_label("First name")).to_be_focused()
    page.get_by_label("Display name").fill("Nina N.")
    shoot_both(page, "member-profile-edit")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", name="Nina N.", level=1)).to_be_visible()

    page.get_by_role("button", name="Deactivate").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Roles and team memberships are kept")
    dialog.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("region", name="Membership", exact=True)).to_contain_text(
        "Cannot sign in here until reactivated"
    )
    nina = Member.objects.get(user__email="nina@acme.test")
    assert nina.status == Member.DEACTIVATED
    page.get_by_role("button", name="Reactivate").click()
    expect(page.get_by_role("region", name="Membership", exact=True)).to_contain_text("Can sign in to Acme Analytics")


def test_an_admin_on_an_owners_page_and_a_refusal_in_place(page: Page, cast, shoot_both):
    second = directory.create_user("olga@acme.test", cast.owner.password, "Olga", "Owner", email_verified=True)
    directory.add_member(cast.org, second, [directory.role("owner")])
    page.goto(f"/members/{cast.owner.member.id}")
    sign_in(page, cast.admin.email, cast.admin.password)
    expect(page.get_by_text("Only an Owner can administer the membership and account")).to_be_visible()
    expect(page.get_by_role("button", name="Disable account")).to_have_count(0)
    shoot_both(page, "member-owner-guarded")

    # The Admin's own page: deactivating oneself is not offered; the platform's refusal of a stale form shows in place.
    page.goto(f"/members/{cast.admin.member.id}")
    expect(page.get_by_role("button", name="Deactivate")).to_have_count(0)
    page.evaluate(
        """url => { const form = document.createElement("form"); form.method = "post"; form.action = url;
        const token = document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode();
        form.append(token); document.body.append(form); form.submit(); }""",
        f"/members/{cast.admin.member.id}/deactivate",
    )
    expect(page.locator("#membership-refusal")).to_have_text(
        "You cannot deactivate yourself; leave the organization instead."
    )
    shoot_both(page, "member-refusal")
