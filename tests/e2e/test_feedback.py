"""What a user is told and where their focus stays: after a table swaps (sort, filter chip), while a submit
is on its way (busy states), while a dialog loads its form, when a toast appears, and on a time stamp."""

import fnmatch
import re

import pytest
from playwright.sync_api import Page, expect

from localplatform.identity.services import directory, invitations
from scripts.screenshots import PHONE
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

ANNOUNCER = "#announcer"


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


class Held:
    """Requests matching a URL pattern and a method wait (the page shows its busy state) until released."""

    def __init__(self, page: Page, pattern: str, method: str):
        self.page, self.pattern, self.method, self.routes, self.sent = page, pattern, method, [], []
        page.route(pattern, lambda route: self.routes.append(route) if self._ours(route.request) else route.continue_())
        page.on("request", lambda request: self.sent.append(request) if self._ours(request) else None)

    def _ours(self, request) -> bool:
        return request.method == self.method and fnmatch.fnmatch(request.url, self.pattern.replace("**", "*"))

    def release(self) -> None:
        """Lets the held request go on (waiting for it to arrive first), and stops holding new ones.

        Chromium now and then lets a request past an interception that was already in place; the
        busy state was seen all the same (the caller asserted it before releasing), so that is not
        a failure, but no request at all is."""
        for _ in range(300):  # up to 15 s: a loaded CI machine can be slow to send it
            if self.routes or self.sent:
                break
            self.page.wait_for_timeout(50)  # route handlers run while Playwright waits
        self.page.wait_for_timeout(50)  # a request seen is routed in the same turn, when it is routed
        assert self.routes or self.sent, f"no {self.method} {self.pattern} request was sent"
        if self.routes:
            self.routes.pop().continue_()
        self.page.unroute(self.pattern)


REPORT_BUSY = """() => document.addEventListener("submit", event => setTimeout(() => {
  const button = event.submitter, form = event.target;
  const others = [...form.querySelectorAll("button[type=submit]")].every(b => b.disabled);
  console.log(`busy: disabled=${button.disabled} spinning=${button.classList.contains("is-busy")} ` +
    `form=${form.hasAttribute("aria-busy")} others=${others}`);
}, 20))"""


@pytest.fixture
def invited(cast, live_server):
    """Two pending invitations, so the invitations list has row actions."""
    for email in ("ana@acme.test", "ben@acme.test"):
        invitations.create_invitation(
            cast.owner.member, email, [directory.role("member").id], [], "managed", None, live_server.url
        )


def test_sorting_with_the_keyboard_keeps_focus_on_the_sort_control_and_says_so(page: Page, cast):
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_label("Search members").focus()
    for _ in range(20):  # Tab from the search box to the Email column's header
        if focused(page) == "member-table-sort-email":
            break
        page.keyboard.press("Tab")
    assert focused(page) == "member-table-sort-email"

    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Email")
    expect(page.locator(ANNOUNCER)).to_have_text("3 members, sorted by email")
    assert focused(page) == "member-table-sort-email"
    assert page.evaluate("document.activeElement.matches(':focus-visible')")

    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Email")
    expect(page.locator(ANNOUNCER)).to_have_text("3 members, sorted by email, descending")
    assert focused(page) == "member-table-sort-email"
    expect(page).to_have_url(re.compile(r"sort=-email"))


def test_removing_a_filter_chip_updates_the_filters_and_keeps_focus_in_the_list(page: Page, cast):
    page.goto("/members?q=mia&status=active")
    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page.locator("#member-table-status")).to_have_value("active")
    page.evaluate("window.__samePage = true")
    page.locator("#member-table-chip-status").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#member-table-chip-status")).to_have_count(0)
    expect(page.locator("#member-table-status")).to_have_value("")  # the filter bar agrees with the list
    expect(page).to_have_url(re.compile(r"/members\?q=mia$"))
    expect(page.locator(ANNOUNCER)).to_have_text("1 member matches, sorted by name")
    assert focused(page) == "table-responsive"  # the list, not the top of the page
    assert page.evaluate("window.__samePage") is True

    page.locator("#member-table-clear").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#member-table-q")).to_have_value("")
    expect(page.locator(ANNOUNCER)).to_have_text("3 members, sorted by name")


def test_a_full_page_form_is_busy_until_the_answer_and_its_toast_leaves_the_row_actions_free(page: Page, cast, invited):
    page.goto("/members/invitations")
    sign_in(page, cast.owner.email, cast.owner.password)
    # The page is leaving (a POST, then a redirect): it reports its state a moment after the submit.
    page.evaluate(REPORT_BUSY)
    reports: list[str] = []
    page.on("console", lambda message: message.text.startswith("busy:") and reports.append(message.text))
    held = Held(page, "**/resend", "POST")
    page.locator("#invitation-table").get_by_role("button", name=re.compile("^Resend")).first.click(no_wait_after=True)
    held.release()
    assert reports == ["busy: disabled=true spinning=true form=true others=true"]

    toast = page.locator("#toasts .toast").first
    expect(toast).to_contain_text("Sent the invitation")
    actions = page.locator("#invitation-table tbody :is(button, a.btn):visible")
    assert not covered(toast, actions)
    page.set_viewport_size(PHONE)
    assert not covered(toast, actions)
    # Scrolled so that a row's actions sit just under the top bar: the toast stays over the bar.
    actions.first.evaluate("e => window.scrollBy(0, e.getBoundingClientRect().top - 60)")
    assert not covered(toast, actions)


def covered(toast, actions) -> list:
    """The boxes of `actions` that the toast overlaps (as the page is now scrolled)."""
    box, hits = toast.bounding_box(), []
    for action in actions.all():
        other = action.bounding_box()
        if (
            box["x"] < other["x"] + other["width"]
            and other["x"] < box["x"] + box["width"]
            and box["y"] < other["y"] + other["height"]
            and other["y"] < box["y"] + box["height"]
        ):
            hits.append((box, other))
    return hits


def test_a_dialogs_cancel_leaves_its_buttons_ready_for_next_time(page: Page, cast, invited):
    page.goto("/members/invitations")
    sign_in(page, cast.owner.email, cast.owner.password)
    opener = page.locator("#invitation-table tbody tr").first.locator("button[command=show-modal]")
    for _ in range(2):
        opener.click()
        dialog = page.locator("dialog[open]")
        expect(dialog.locator("button[type=submit]:not([formmethod])")).to_be_enabled()
        dialog.locator("button[formmethod=dialog]").click()
        expect(page.locator("dialog[open]")).to_have_count(0)


def test_a_dialog_opens_at_once_while_its_form_loads_and_its_submit_is_busy(page: Page, cast):
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    # The sign-in's redirect must have landed: a route set while the page navigates can miss the new document's
    # requests (CI once saw the invite form's GET reach the server unseen by the route and the request events).
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    page.wait_for_load_state("load")
    held = Held(page, "**/members/invite", "GET")
    page.get_by_role("link", name="Invite members").click()
    dialog = page.locator("dialog#invite-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_text("Loading the invite form…")).to_be_visible()
    held.release()
    expect(dialog.get_by_label("Email addresses")).to_be_focused()

    held = Held(page, "**/members/invite", "POST")
    send = dialog.get_by_role("button", name="Send invitations")
    send.click(no_wait_after=True)
    expect(send).to_be_disabled()
    expect(dialog.locator("form")).to_have_attribute("aria-busy", "")
    held.release()
    expect(dialog.locator(".invalid-feedback").first).to_be_visible()  # nothing typed: the form comes back
    expect(dialog.get_by_role("button", name="Send invitations")).to_be_enabled()

    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("link", name="Invite members").click()  # again: the fresh form, not the old errors
    expect(dialog.get_by_label("Email addresses")).to_be_focused()
    expect(dialog.locator(".invalid-feedback")).to_have_count(0)


def test_the_exact_time_is_reachable_with_the_keyboard(page: Page, cast, invited):
    page.goto("/members/invitations")
    sign_in(page, cast.owner.email, cast.owner.password)
    stamp = page.locator("#invitation-table tbody time").first
    page.keyboard.press("Shift")
    stamp.focus()
    tooltip = stamp.evaluate("e => getComputedStyle(e, '::after').content")
    assert re.fullmatch(r'"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC"', tooltip), tooltip
    assert stamp.get_attribute("aria-label").endswith("UTC)")


def test_a_form_whose_token_no_longer_matches_gets_a_page_that_says_so(page: Page, cast, axe_check, shoot, live_server):
    page.goto("/teams")
    sign_in(page, cast.member.email, cast.member.password)
    for theme in ("light", "dark"):
        page.context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
        page.goto("/teams")
        expect(page.get_by_role("heading", name="Teams", exact=True)).to_be_visible()
        # As if the browser's cookies were cleared while the page stayed open: its token no longer matches.
        page.evaluate(
            "document.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(i => i.value = 'x'.repeat(64))"
        )
        page.locator("summary[aria-label^='Account menu for']").click()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="This page is out of date")).to_be_visible()
        expect(page.get_by_text("nothing changed")).to_be_visible()
        expect(page.get_by_role("link", name="Open the page again")).to_have_attribute("href", "/teams")
        page.wait_for_timeout(300)  # let the buttons' colour transitions end before axe measures contrast
        axe_check(page)
        shoot(page, theme)
    page.get_by_role("link", name="Open the page again").click()
    expect(page.get_by_role("heading", name="Teams", exact=True)).to_be_visible()  # still signed in
