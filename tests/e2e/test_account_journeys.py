"""Sign-in and account journeys in Chromium, each from a fresh browser context, with screenshots in both themes.

Codes from the authenticator app are computed here with pyotp from the setup key the page shows; mail is read
in the console's own Dev mailbox, as a new user would.
"""

import json
import re
import time
from pathlib import Path

import pyotp
import pytest
from django.core.signals import request_started
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "account"
SIGN_IN = re.compile(r"/sign-in(\?.*)?$")
NEW_PASSWORD = "a-brand-new-password"


@pytest.fixture
def mail_links(settings, live_server):
    """Mail links point at the live server (LAKESAIL_PUBLIC_BASE_URL), as behind a proxy."""
    settings.LAKESAIL_PUBLIC_BASE_URL = live_server.url


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.locator("summary[aria-label^='Account menu for']").click()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(SIGN_IN)


def open_latest_mail(page: Page, subject_part: str) -> None:
    page.goto("/dev-mailbox")
    page.locator(".mailbox-item", has_text=re.compile(subject_part, re.I)).first.click()


def enable_totp(page: Page, shoot_both=None) -> tuple[pyotp.TOTP, list[str]]:
    """Security → set up the authenticator app → confirm; returns the authenticator and the recovery codes."""
    page.goto("/account/security")
    page.get_by_role("button", name="Set up authenticator app").click()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    totp = pyotp.TOTP(page.get_by_test_id("totp-secret").inner_text().strip())
    if shoot_both:
        shoot_both(page, "totp-setup")
    page.get_by_label("Authentication code").fill(totp.now())
    page.get_by_role("button", name="Turn on MFA").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = [code.strip() for code in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    if shoot_both:
        shoot_both(page, "recovery-codes")
    page.get_by_role("button", name="I saved my recovery codes").click()
    expect(page.get_by_text("recovery codes left")).to_be_visible()
    return totp, codes


# Records, in the tab's sessionStorage (it outlives the navigation), how the form looks just after it was sent,
# and puts the caret back in its first field so that Enter would send it again.
WATCH_SUBMIT = """() => document.addEventListener("submit", event => setTimeout(() => {
    const state = {disabled: event.submitter.disabled, busy: event.target.hasAttribute("aria-busy")};
    sessionStorage.setItem("sent", JSON.stringify(state));
    event.target.querySelector("input:not([type=hidden]):not([type=checkbox])").focus();
}, 50), {once: true})"""


def submits_once(page: Page, button: str, path: str) -> None:
    """Click `button`, whose form POSTs to `path`, and press Enter while the answer is slow: one POST, a busy form.

    The server holds POSTs to `path` for a moment. While a navigation is pending Playwright will not evaluate
    in the page, so the page records its own state and the test reads it after the next page has loaded.
    """
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    def slow(sender, environ, **kwargs):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == path:
            time.sleep(1.5)

    page.evaluate(WATCH_SUBMIT)
    request_started.connect(slow)
    try:
        box = page.get_by_role("button", name=button, exact=True).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(400)
        page.keyboard.press("Enter")  # a second submission, as an impatient user would send it
        page.wait_for_load_state()
        page.wait_for_timeout(1500)
    finally:
        request_started.disconnect(slow)
    assert [url for url in posts if url.endswith(path)] == [posts[0]], f"sent more than once: {posts}"
    assert json.loads(page.evaluate("sessionStorage.getItem('sent')")) == {"disabled": True, "busy": True}


def later_code(totp: pyotp.TOTP, steps: int = 1) -> str:
    """A code still accepted (±1 step) that differs from the one used a moment ago."""
    return totp.at(time.time() + 30 * steps)


def test_sign_up_verify_in_the_dev_mailbox_then_sign_in(page: Page, cast, outbox, mail_links, shoot_both, axe_check):
    page.goto("/sign-in")
    shoot_both(page, "sign-in")
    page.get_by_role("link", name="Create an account").click()
    shoot_both(page, "sign-up")
    axe_check(page)
    page.get_by_role("button", name="Create account").click()
    summary = page.locator("#sign-up-form-errors")
    expect(summary).to_contain_text("5 fields to correct")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(5)
    shoot_both(page, "sign-up-summary")
    axe_check(page)
    summary.get_by_role("link", name="Work email: Enter your work email.").click()
    expect(page.get_by_label("Work email")).to_be_focused()
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("New")
    page.get_by_label("Work email").fill("nina@newco.test")
    page.get_by_label("Organization name").fill("NewCo")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_label("Work email")).to_have_value("nina@newco.test")  # typed input kept
    shoot_both(page, "sign-up-error")
    page.get_by_label("Password").fill("nina-long-password")
    submits_once(page, "Create account", "/sign-up")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shoot_both(page, "check-email")
    axe_check(page)

    page.get_by_role("link", name="Open the Dev mailbox").click()
    expect(page.get_by_role("heading", name="Dev mailbox")).to_be_visible()
    shoot_both(page, "mailbox-signed-out")
    axe_check(page)
    page.locator(".mailbox-item", has_text="nina@newco.test").first.click()
    shoot_both(page, "mailbox-message")
    axe_check(page)
    page.locator("a[href*='/verify-email?token=']").first.click()
    expect(page.get_by_role("button", name="Verify my email address")).to_be_visible()
    shoot_both(page, "verify-email")
    page.get_by_role("button", name="Verify my email address").click()
    expect(page.get_by_role("heading", name="Email verified")).to_be_visible()
    shoot_both(page, "verify-email-done")
    axe_check(page)
    page.get_by_role("link", name="Sign in").click()
    sign_in(page, "nina@newco.test", "nina-long-password")
    expect(page.get_by_role("heading", name="NewCo")).to_be_visible()


def test_totp_then_trusted_device_skips_the_code(page: Page, cast, shoot_both, axe_check):
    sign_in(page, cast.member.email, cast.member.password)
    page.locator("summary[aria-label^='Account menu for']").click()
    shoot_both(page, "user-menu")
    page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    page.get_by_role("link", name="Security", exact=True).click()
    shoot_both(page, "security-off")
    axe_check(page)
    totp, _codes = enable_totp(page, shoot_both)
    shoot_both(page, "security-on")
    axe_check(page)
    sign_out(page)

    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="Multi-factor authentication")).to_be_visible()
    shoot_both(page, "mfa-step")
    axe_check(page)
    expect(page.get_by_text("(optional)")).to_have_count(0)
    page.get_by_label("Authentication code or recovery code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not valid.")).to_be_visible()
    shoot_both(page, "mfa-step-error")
    page.get_by_label("Authentication code").fill(later_code(totp))
    page.get_by_label(re.compile("Trust this device")).check()
    submits_once(page, "Verify", "/sign-in/mfa")
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()
    page.goto("/account/devices")
    expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(1)
    shoot_both(page, "devices")
    axe_check(page)
    sign_out(page)

    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()  # no code asked


def test_recovery_code_works_once(page: Page, cast):
    sign_in(page, cast.member.email, cast.member.password)
    _totp, codes = enable_totp(page)
    sign_out(page)
    sign_in(page, cast.member.email, cast.member.password)
    page.get_by_label("Authentication code or recovery code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()
    sign_out(page)
    sign_in(page, cast.member.email, cast.member.password)
    page.get_by_label("Authentication code or recovery code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That recovery code is not valid or was used before.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/sign-in/mfa$"))


def test_revoking_another_login_sends_it_to_sign_in(page: Page, browser, cast, live_server, shoot_both, axe_check):
    other_context = browser.new_context(base_url=live_server.url)
    other = other_context.new_page()
    try:
        sign_in(other, cast.member.email, cast.member.password)
        expect(other.get_by_role("heading", name="Acme Analytics")).to_be_visible()
        sign_in(page, cast.member.email, cast.member.password)
        page.goto("/account/sessions")
        expect(page.get_by_text("This browser")).to_be_visible()
        shoot_both(page, "sessions")
        axe_check(page)
        page.get_by_role("button", name=re.compile("^Revoke")).click()
        shoot_both(page, "sessions-confirm")
        page.get_by_role("button", name="Revoke sign-in").click()
        expect(page.get_by_text("That sign-in was ended")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile("^Revoke"))).to_have_count(0)
        other.goto("/account")
        expect(other).to_have_url(SIGN_IN)
        page.goto("/account")
        expect(page.get_by_role("heading", name="My account")).to_be_visible()  # this login lives on
    finally:
        other_context.close()


def test_forgot_password_reset_old_refused_new_works(page: Page, cast, outbox, mail_links, shoot_both, axe_check):
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot password?").click()
    shoot_both(page, "forgot-password")
    axe_check(page)
    page.get_by_label("Email").fill(cast.member.email)
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_text("a reset link is on its way")).to_be_visible()
    shoot_both(page, "forgot-password-sent")
    page.get_by_role("link", name="Open the Dev mailbox").click()
    page.locator(".mailbox-item", has_text=cast.member.email).first.click()
    page.locator("a[href*='/reset-password?token=']").first.click()
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    shoot_both(page, "reset-password")
    axe_check(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect(page).to_have_url(SIGN_IN)
    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    sign_in(page, cast.member.email, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()


def test_code_sign_in_and_account_screens(page: Page, cast, outbox, shoot_both, axe_check):
    page.goto("/sign-in")
    page.get_by_role("link", name="Email me a code").click()
    shoot_both(page, "code-request")
    axe_check(page)
    page.get_by_label("Email").fill(cast.admin.email)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shoot_both(page, "code-verify")
    axe_check(page)
    page.goto("/dev-mailbox")
    page.locator(".mailbox-item", has_text=cast.admin.email).first.click()
    code = re.search(r"\b(\d{6})\b", page.locator(".mail-body").inner_text()).group(1)
    page.goto("/sign-in/code/verify")
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()
    for url, name in (
        ("/account", "profile"),
        ("/account/emails", "emails"),
        ("/account/teams", "teams"),
        ("/dev-mailbox", "mailbox"),
        ("/verify-email/resend", "resend"),
    ):
        page.goto(url)
        shoot_both(page, name)
        axe_check(page)
    page.goto("/account/emails")
    page.get_by_label("New email address").fill(cast.owner.email)
    page.get_by_role("button", name="Add address").click()
    expect(page.get_by_text("This address already belongs to an account.")).to_be_visible()
    expect(page.get_by_label("New email address")).to_have_value(cast.owner.email)
    shoot_both(page, "emails-error")


def test_forced_enrollment(page: Page, cast, shoot_both, axe_check):
    from localplatform.identity.services import directory

    directory.update_settings(cast.org, by=cast.owner.member, require_mfa=True)
    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="Protect your account")).to_be_visible()
    shoot_both(page, "enroll")
    axe_check(page)
    page.goto("/members")
    expect(page.get_by_role("heading", name="Protect your account")).to_be_visible()
    page.get_by_role("button", name="Set up authenticator app").click()
    totp = pyotp.TOTP(page.get_by_test_id("totp-secret").inner_text().strip())
    shoot_both(page, "enroll-setup")
    axe_check(page)
    page.get_by_label("Authentication code").fill(totp.now())
    page.get_by_role("button", name="Turn on MFA").click()
    page.get_by_role("button", name="I saved my recovery codes").click()
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()  # straight on to the console


def test_setup_key_copies_and_the_confirmation_is_sent_once(page: Page, cast):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, cast.member.email, cast.member.password)
    page.goto("/account/security")
    page.get_by_role("button", name="Set up authenticator app").click()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    copy = page.get_by_role("button", name="Copy the setup key")
    copy.click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    page.get_by_label("Authentication code").fill(pyotp.TOTP(secret).now())
    submits_once(page, "Turn on MFA", "/account/security/totp")
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()


def test_reset_mfa_asks_first_and_says_what_happens(page: Page, cast, shoot_both, axe_check):
    sign_in(page, cast.member.email, cast.member.password)
    totp, _codes = enable_totp(page)
    page.get_by_role("button", name="Reset MFA", exact=True).click()
    dialog = page.get_by_role("dialog", name="Reset multi-factor authentication?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("every sign-in ends, this one included")
    expect(dialog.get_by_label("Password or authentication code")).to_be_focused()
    shoot_both(page, "reset-dialog")
    axe_check(page)
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Reset MFA", exact=True).click()
    dialog.get_by_label("Password or authentication code").fill("000000")
    dialog.get_by_role("button", name="Reset MFA and sign out").click()
    expect(dialog.get_by_text("That code is not valid.")).to_be_visible()  # the same words as at sign-in
    expect(dialog.get_by_label("Password or authentication code")).to_be_focused()
    shoot_both(page, "reset-dialog-error")
    dialog.get_by_label("Password or authentication code").fill(later_code(totp))
    dialog.get_by_role("button", name="Reset MFA and sign out").click()
    expect(page).to_have_url(SIGN_IN)
    expect(page.get_by_text("Multi-factor authentication was reset")).to_be_visible()
    sign_in(page, cast.member.email, cast.member.password)
    expect(page.get_by_role("heading", name="Acme Analytics")).to_be_visible()  # no MFA step any more


def test_my_teams_lead_to_the_team_page(page: Page, cast):
    sign_in(page, cast.member.email, cast.member.password)
    page.goto("/account/teams")
    page.get_by_role("link", name="Data Platform").click()
    expect(page.get_by_role("heading", name="Data Platform", level=1)).to_be_visible()


def test_a_cancelled_confirmation_can_still_be_confirmed(page: Page, cast):
    sign_in(page, cast.member.email, cast.member.password)
    page.goto("/account/sessions")
    page.get_by_role("button", name="Sign out everywhere").click()
    dialog = page.get_by_role("dialog", name="Sign out everywhere?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(dialog.get_by_role("button", name="Sign out everywhere")).to_be_enabled(timeout=2000)
