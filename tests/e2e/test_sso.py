"""Issue 11, Must-show 1 in a real browser: an Owner adds the loopback OIDC provider by its URL (auto-setup) and
tests it; then, in fresh browsers, an existing member and a new person sign in through it, and the new person
is a member with the default role. Screenshots of every settings screen, light and dark, desktop and phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "settings"


def through_provider(browser: Browser, live_server, email: str) -> Page:
    """A fresh browser: Sign in with SSO, sign in and consent at the provider, back in the console."""
    page = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}).new_page()
    page.goto("/sign-in")
    page.get_by_role("link", name="Sign in with SSO").click()
    page.get_by_label("Work email").fill(email)
    page.get_by_role("button", name="Continue to your identity provider").click()
    page.locator("input[name=login]").fill(email)  # the provider's own development login page
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # its consent page
    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/$"))
    return page


def test_add_the_provider_by_url_test_it_and_sign_in_through_it(
    page: Page, browser: Browser, cast, live_server, oidc_issuer, shoot_both, axe_check
):
    page.goto("/sign-in")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Identity providers").click()
    expect(page.get_by_role("heading", name="No identity providers yet")).to_be_visible()
    shoot_both(page, "identity-providers-empty")
    axe_check(page)

    page.get_by_role("link", name="Add identity provider").first.click()
    page.get_by_role("button", name="Set up provider").click()  # nothing filled in: errors at the fields
    expect(page.locator("#id_name_error")).to_have_text("Give the provider a name.")
    shoot_both(page, "identity-provider-new-errors")
    axe_check(page)
    page.get_by_label("Name").fill("Acme login")
    page.get_by_label("Provider URL").fill(oidc_issuer)
    page.get_by_label("Email domains").fill("acme.test")
    page.get_by_label("Add new people automatically").check()
    page.get_by_role("button", name="Set up provider").click()
    expect(page.get_by_role("heading", level=1, name="Acme login")).to_be_visible()
    expect(page.get_by_text("Set up from its URL by dynamic client registration")).to_be_visible()

    page.get_by_role("button", name="Test connection").click()
    expect(page.get_by_text("Test passed", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Test connection")).to_be_focused()  # focus stays where it was
    shoot_both(page, "identity-provider-detail")
    axe_check(page)

    page.get_by_role("link", name="Identity providers").first.click()
    row = page.get_by_role("row", name=re.compile("Acme login"))
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("acme.test")
    shoot_both(page, "identity-providers")
    axe_check(page)

    member = through_provider(browser, live_server, "member@acme.test")
    expect(member.get_by_text("Mia Member").first).to_be_visible()

    newcomer = through_provider(browser, live_server, "nina.new@acme.test")
    expect(newcomer.get_by_role("link", name="Dashboard")).to_be_visible()

    page.goto("/members?q=nina")
    row = page.get_by_role("row", name=re.compile("nina.new@acme.test"))
    expect(row).to_contain_text("Member")


def test_sso_refusals_and_the_settings_screen_look_finished(page: Page, cast, shoot_both, axe_check):
    page.goto("/sign-in/sso")
    shoot_both(page, "sso-sign-in")
    axe_check(page)
    page.get_by_label("Work email").fill("ada@nowhere.test")
    page.get_by_role("button", name="Continue to your identity provider").click()
    expect(page.get_by_text("No single sign-on is set up for this email's domain.")).to_be_visible()
    expect(page.get_by_label("Work email")).to_have_value("ada@nowhere.test")
    shoot_both(page, "sso-sign-in-unknown-domain")
    page.goto("/sign-in/sso/callback?state=made-up&code=nothing")
    expect(page.get_by_role("heading", name="Single sign-on did not finish")).to_be_visible()
    shoot_both(page, "sso-failed")
    axe_check(page)

    page.goto("/sign-in")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organization", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Organization settings")).to_be_visible()
    page.get_by_label("Require DPoP-bound tokens").check()
    page.get_by_label("Session lifetime (minutes)").fill("5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#settings-form-errors")).to_be_focused()
    expect(page.get_by_label("Session lifetime (minutes)")).to_have_value("5")
    shoot_both(page, "organization-settings-errors")
    axe_check(page)
    page.get_by_label("Session lifetime (minutes)").fill("720")
    page.get_by_label("I understand that plain Bearer tokens stop working").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    page.goto("/members")  # DPoP is required now; the console's bound tokens keep working
    expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()
    page.goto("/settings/organization")
    shoot_both(page, "organization-settings")
    axe_check(page)
