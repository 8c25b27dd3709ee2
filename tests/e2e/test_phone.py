"""Phones (390x844): no page scrolls sideways, every list is a stack of cards whose cells say their column,
and every row action of every list is on screen and can be clicked (nothing covers it)."""

import re

import pytest
from playwright.sync_api import Page, expect

from scripts.screenshots import PHONE, tour
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

LISTS = {"members", "invitations", "teams", "team-detail", "channels", "rules", "history", "identity-providers"}
# Marks the controls of a table's rows that a user is meant to see: not inside a closed dialog or a closed
# disclosure (its summary excepted); returns how many cells lack the column label.
MARK_CONTROLS = """table => {
  const body = document.querySelector('#' + table + ' tbody');
  body.querySelectorAll('a[href], button, summary, input:not([type=hidden])').forEach(control => {
    const closed = control.closest('details:not([open])');
    if (control.closest('dialog') || (closed && !control.closest('summary'))) return;
    control.setAttribute('data-phone-check', '');
  });
  return [...body.querySelectorAll('td')].filter(cell =>
    !cell.matches('.cell-actions, .select-cell') && !cell.hasAttribute('data-label')).length;
}"""


def test_no_page_scrolls_sideways_and_every_row_action_is_reachable(page: Page, demo):
    page.set_viewport_size(PHONE)
    problems, lists = [], set()
    for stop in tour(page, *demo):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{stop.name} ({page.url}) is {width}px wide")
        if not stop.table or stop.name.startswith("member-"):
            continue
        lists.add(stop.name)
        unlabelled = page.evaluate(MARK_CONTROLS, stop.table)
        if unlabelled:
            problems.append(f"{stop.name}: {unlabelled} cells without their column's label")
        scroller = page.locator(f"#{stop.table} .table-responsive")
        if scroller.evaluate("e => e.scrollWidth > e.clientWidth"):
            problems.append(f"{stop.name}: the table scrolls sideways inside its card")
        controls = page.locator(f"#{stop.table} tbody [data-phone-check]")
        assert controls.count(), f"{stop.name} has no row controls"
        for control in controls.all():
            # Scroll the page only (scrollIntoView would also scroll a sideways scroller to it).
            control.evaluate("e => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 200)")
            box = control.bounding_box()
            if not box or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
                problems.append(f"{stop.name}: {control.evaluate('e => e.outerHTML.slice(0, 120)')} is off screen")
                continue
            control.click(trial=True, timeout=3000)  # visible, enabled, and the click would land on it
    assert lists >= LISTS, lists
    assert not problems, "\n".join(problems)


def test_the_navigation_opens_over_the_page_and_gives_focus_back(page: Page, cast):
    page.set_viewport_size(PHONE)
    page.goto("/teams")
    sign_in(page, cast.owner.email, cast.owner.password)
    main = page.get_by_role("navigation", name="Main")
    toggle = page.get_by_role("button", name="Open navigation")
    expect(main).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(main.get_by_role("link", name="Teams")).to_be_focused()  # the current screen's entry
    expect(page.locator(".app-main-column")).to_have_js_property("inert", True)  # the page behind is out of reach
    page.keyboard.press("Escape")
    expect(main).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    page.get_by_role("button", name="Close navigation").click()
    expect(main).to_be_hidden()
    toggle.click()
    page.locator(".offcanvas-backdrop").click(position={"x": 370, "y": 400})  # beside the sidebar
    expect(main).to_be_hidden()
    toggle.click()
    main.get_by_role("link", name="Members").click()
    expect(page).to_have_url(re.compile(r"/members$"))
    expect(page.get_by_role("heading", level=1, name="Members")).to_be_visible()
