"""Screenshots of every console screen at 1366 and 390 pixels wide, in the light and the dark theme.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8010 [--out var/screenshots/screens]

Needs a running console with the demo data (`manage.py seed_demo`) and Debian's Chromium at
/usr/bin/chromium (never `playwright install`). Walks the signed-out pages, every screen as the demo
Owner, and the screens a plain Member sees (`tour`), and saves <stop>-<width>-<theme>.png for each stop.
tests/e2e/test_accessibility.py walks the same tour with axe-core at every stop.
"""

import argparse
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
THEMES = ("light", "dark")
OWNER = "owner@acme.test"
MEMBER = "aisha.bello@acme.test"
PASSWORD = os.environ.get("LAKESAIL_DEMO_PASSWORD", "acme-demo-password")


@dataclass(frozen=True)
class Stop:
    """A page state of the tour; `table` is the id of a list's table (checked for phone layout)."""

    name: str
    table: str = ""
    full_page: bool = True  # False while a dialog is open: the viewport is what the user sees


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".app-shell")).to_be_attached()


def sign_out(page: Page) -> None:
    page.goto("/")
    page.locator("summary[aria-label^='Account menu']").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def open_dialog(page: Page, trigger) -> None:
    """Clicks what opens a dialog and waits until the dialog shows its form (not its loading state)."""
    trigger.click()
    expect(page.locator("dialog[open] form").first).to_be_visible()


def close_dialog(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("dialog[open]")).to_have_count(0)


def visit(page: Page, path: str, name: str, table: str = "") -> Stop:
    """Opens `path`; a path starting with "#" follows the first row link of that table instead."""
    if path.startswith("#"):
        page.locator(f"{path} tbody a.cell-primary").first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    else:
        page.goto(path)
    return Stop(name, table)


SIGNED_OUT = [
    ("/sign-up", "sign-up"),
    ("/forgot-password", "forgot-password"),
    ("/sign-in/code", "code"),
    ("/sign-in/sso", "sso-sign-in"),
]
OWNER_PAGES = [
    ("/", "dashboard"),
    ("/members", "members", "member-table"),
    ("/members?q=owner&status=active", "members-filtered", "member-table"),  # then the Owner: in every team
    ("#member-table", "member-detail"),
    ("/members?q=aisha", "members-search", "member-table"),  # then a managed Member: account administration
    ("#member-table", "member-admin"),
    ("/members/new", "member-create"),
    ("/members/invitations", "invitations", "invitation-table"),
    ("/roles", "roles"),
    ("/roles/permissions", "permissions"),
    ("/teams", "teams", "team-table"),
    ("#team-table", "team-detail", "team-members"),
    ("/infrastructure/accounts", "cloud-accounts", "connection-table"),
    ("#connection-table", "cloud-account"),
    ("/infrastructure/accounts/new", "cloud-account-new"),
    ("/infrastructure/networks", "networks", "network-table"),
    ("#network-table", "network"),
    ("/infrastructure/networks/new", "network-new"),
    ("/infrastructure/clusters", "clusters", "cluster-table"),
    ("#cluster-table", "cluster"),
    ("/infrastructure/clusters/new", "cluster-new"),
    ("/notifications/channels", "channels", "channel-table"),
    ("#channel-table", "channel-detail"),
    ("/notifications/channels/new", "channel-new"),
    ("/notifications/channels/new?type=webhook", "channel-new-webhook"),
    ("/notifications/rules", "rules", "rule-table"),
    ("#rule-table", "rule-detail"),
    ("/notifications/rules/new", "rule-new"),
    ("/notifications/history", "history", "delivery-table"),
    ("/settings/organization", "settings-organization"),
    ("/settings/identity-providers", "identity-providers", "idp-table"),
    ("#idp-table", "identity-provider-detail"),
    ("/settings/identity-providers/new", "identity-provider-new"),
    ("/account", "account-profile"),
    ("/account/emails", "account-emails"),
    ("/account/security", "account-security"),
    ("/account/sessions", "account-sessions"),
    ("/account/devices", "account-devices"),
    ("/account/teams", "account-teams"),
    ("/dev-mailbox", "dev-mailbox"),
    ("/members/ZZZZZZZZZZ", "not-found-member"),
    ("/no-such-page", "not-found"),
]
# A plain Member sees some of the same screens (read-only), and a refusal.
MEMBER_SEES = ("dashboard", "members", "teams", "team-detail", "channels", "settings-organization")
MEMBER_PAGES = [
    *((path, f"member-{name}", *table) for path, name, *table in OWNER_PAGES if name in MEMBER_SEES),
    ("/members/invitations", "member-forbidden"),
    ("/settings/identity-providers", "member-identity-providers-forbidden"),
    ("/infrastructure/clusters", "member-clusters-forbidden"),
]


def signed_out_tour(page: Page) -> Iterator[Stop]:
    page.goto("/sign-in")
    yield Stop("sign-in")
    page.get_by_label("Email").fill(OWNER)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".alert, .invalid-feedback").first).to_be_visible()
    yield Stop("sign-in-error")
    for path, name in SIGNED_OUT:
        yield visit(page, path, name)


def owner_tour(page: Page) -> Iterator[Stop]:
    """Every screen an Owner sees, with its dialogs open and a list filtered."""
    for step in OWNER_PAGES:
        yield visit(page, *step)
        yield from dialogs_of(page, step[1])


def dialogs_of(page: Page, stop: str) -> Iterator[Stop]:
    """The dialogs, menus and second pages of a screen, opened from it."""
    if stop == "dashboard":
        page.locator("summary[aria-label^='Account menu']").click()
        yield Stop("user-menu", full_page=False)
        page.keyboard.press("Escape")
        toggle = page.get_by_role("button", name="Open navigation")
        if toggle.is_visible():  # narrow screens: the sidebar slides in
            toggle.click()
            expect(page.get_by_role("navigation", name="Main")).to_be_visible()
            page.wait_for_timeout(400)  # the slide ends
            yield Stop("navigation", full_page=False)
            page.get_by_role("button", name="Close navigation").click()
            expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    elif stop == "members":
        rows = page.locator("#member-table tbody input[type=checkbox]")
        rows.nth(1).check()
        rows.nth(2).check()
        open_dialog(page, page.locator("[data-bulk-action]").last)
        yield Stop("members-bulk-dialog", full_page=False)
        close_dialog(page)
        open_dialog(page, page.get_by_role("link", name="Invite members"))
        yield Stop("members-invite-dialog", full_page=False)
        close_dialog(page)
    elif stop == "member-admin":
        page.get_by_role("button", name="Issue temporary password").click()
        expect(page.locator("dialog[open]")).to_be_visible()
        yield Stop("member-admin-password-dialog", full_page=False)
        close_dialog(page)
        page.get_by_role("link", name=re.compile("^Edit")).click()
        expect(page.get_by_label("First name")).to_be_focused()
        yield Stop("member-admin-profile-edit")
    elif stop == "roles":
        page.locator("main table a").first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        yield Stop("role-detail")
    elif stop == "teams":
        open_dialog(page, page.get_by_role("link", name="New team"))
        yield Stop("teams-new-dialog", full_page=False)
        close_dialog(page)
    elif stop == "team-detail":
        page.get_by_role("navigation", name="Team sections").get_by_role("link", name="Settings").click()
        yield Stop("team-settings")
    elif stop == "history":
        page.locator("#delivery-table tbody").get_by_role("link", name=re.compile("^Details")).first.click()
        expect(page.locator("#delivery-detail h2, #delivery-detail h1").first).to_be_visible()
        in_dialog = page.locator("dialog[open]").count() > 0  # a drawer, or a panel beside the table
        yield Stop("history-detail", full_page=not in_dialog)
        if in_dialog:
            close_dialog(page)
    elif stop == "dev-mailbox":
        message = page.locator("main a[href^='/dev-mailbox/']")
        if message.count():  # the test suite's mail does not go through the Dev mailbox
            message.first.click()
            yield Stop("dev-mailbox-message")


def member_tour(page: Page) -> Iterator[Stop]:
    """What a plain Member sees: read-only lists, their own notifications, and a refusal."""
    for step in MEMBER_PAGES:
        yield visit(page, *step)


def tour(page: Page, owner: tuple[str, str], member: tuple[str, str]) -> Iterator[Stop]:
    """Signed out, then as the Owner, then as a Member: every stop once, at the page's viewport."""
    yield from signed_out_tour(page)
    sign_in(page, *owner)
    yield from owner_tour(page)
    sign_out(page)
    sign_in(page, *member)
    yield from member_tour(page)
    sign_out(page)


def set_theme(page: Page, theme: str) -> None:
    """The theme as the user menu applies it (console.js sets data-bs-theme on <html>)."""
    page.evaluate("t => document.documentElement.setAttribute('data-bs-theme', t)", theme)


def new_page(browser: Browser, base: str, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, base_url=base)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and print(f"  browser: {message.text}"))
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="the running console, e.g. http://127.0.0.1:8010")
    parser.add_argument("--out", default="var/screenshots/screens", type=Path)
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for viewport in (DESKTOP, PHONE):
            page = new_page(browser, options.base_url.rstrip("/"), viewport)
            for stop in tour(page, (OWNER, PASSWORD), (MEMBER, PASSWORD)):
                for theme in THEMES:
                    set_theme(page, theme)
                    path = options.out / f"{stop.name}-{viewport['width']}-{theme}.png"
                    page.screenshot(path=path, full_page=stop.full_page)
                    print(f"  {path}")
                set_theme(page, "light")
            page.context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
