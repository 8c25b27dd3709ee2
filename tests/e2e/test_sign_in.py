"""The first journey: sign in, see the dashboard, switch to the dark theme, sign out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_account_journeys import submits_once

pytestmark = pytest.mark.e2e

SIGN_IN = re.compile(r"/sign-in(\?.*)?$")


def sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_user_menu(page: Page, name: str) -> None:
    """The user menu is a <details> disclosure; its <summary> has no ARIA role, only a label."""
    page.get_by_label(f"Account menu for {name}").click()


def test_sign_in_switch_theme_sign_out(page: Page, cast, live_server, shoot, axe_check):
    page.goto("/")
    expect(page).to_have_url(SIGN_IN)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    shoot(page, "1-sign-in-light")
    axe_check(page)

    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Acme Analytics").first).to_be_visible()
    expect(page.locator("html")).not_to_have_attribute("data-bs-theme", "dark")
    shoot(page, "2-dashboard-light")
    axe_check(page)

    open_user_menu(page, "Olivia Owner")
    # The theme applies at once; the choice is saved in the background: reload once the cookie is set.
    with page.expect_response(lambda response: response.url.endswith("/theme")):
        page.get_by_role("button", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    shoot(page, "3-dashboard-dark")
    axe_check(page)

    open_user_menu(page, "Olivia Owner")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(SIGN_IN)
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")  # the choice outlives the session
    shoot(page, "4-signed-out-dark")
    axe_check(page)

    page.goto("/")
    expect(page).to_have_url(SIGN_IN)


def test_wrong_password_keeps_the_email_and_says_why(page: Page, cast, shoot, axe_check):
    page.goto("/sign-in")
    sign_in(page, cast.owner.email, "not-the-password")
    expect(page).to_have_url(SIGN_IN)
    expect(page.get_by_label("Email")).to_have_value(cast.owner.email)
    expect(page.get_by_role("alert").or_(page.locator(".invalid-feedback")).first).to_be_visible()
    shoot(page, "error")
    axe_check(page)


def test_the_sign_in_form_is_sent_once(page: Page, cast):
    page.goto("/sign-in")
    page.get_by_label("Email").fill(cast.owner.email)
    page.get_by_label("Password", exact=True).fill(cast.owner.password)
    submits_once(page, "Sign in", "/sign-in")
    expect(page.get_by_text("Acme Analytics").first).to_be_visible()
