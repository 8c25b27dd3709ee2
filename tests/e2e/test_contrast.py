"""WCAG 1.4.11 (non-text contrast), measured in the browser: the edge of an unchecked checkbox or radio, and
the keyboard focus outline of every kind of control, against what is around them, in both themes (>= 3:1)."""

import re

import pytest
from playwright.sync_api import Page, expect

from scripts.screenshots import THEMES, set_theme
from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

# The colour a pixel of `el` shows where it is transparent: its own and its ancestors' backgrounds, blended.
BACKDROP = """el => {
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const [r, g, b, a = 1] = getComputedStyle(node).backgroundColor.match(/[\\d.]+/g).map(Number);
    if (a > 0) layers.push([r, g, b, a]);
    if (a >= 1) break;
  }
  let rgb = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) rgb = [r, g, b].map((c, i) => c * a + rgb[i] * (1 - a));
  return rgb;
}"""
EDGE = f"""el => {{
  const backdrop = {BACKDROP};
  const style = getComputedStyle(el);
  return {{ border: style.borderTopColor, inside: backdrop(el), outside: backdrop(el.parentElement) }};
}}"""
OUTLINE = f"""el => {{
  const backdrop = {BACKDROP};
  const style = getComputedStyle(el);
  const inset = parseFloat(style.outlineOffset) < 0;  // drawn over the element itself
  return {{
    visible: el.matches(':focus-visible'), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
    color: style.outlineColor, behind: backdrop(inset ? el : el.parentElement),
  }};
}}"""


def luminance(rgb) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    """WCAG's contrast ratio of two colours ("rgb(…)" strings or [r, g, b])."""
    a, b = (list(map(float, re.findall(r"[\d.]+", c)))[:3] if isinstance(c, str) else c for c in (a, b))
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def keyboard_focus(page: Page, locator) -> dict:
    """Focus as a keyboard user gets it (:focus-visible), and the outline it draws."""
    page.keyboard.press("Shift")  # the last interaction is the keyboard: programmatic focus is then visible
    locator.focus()
    return locator.evaluate(OUTLINE)


@pytest.mark.parametrize("theme", THEMES)
def test_checkbox_edges_and_focus_outlines_have_three_to_one(page: Page, cast, theme):
    page.goto("/members")
    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page.locator("#member-table tbody tr")).to_have_count(3)
    set_theme(page, theme)
    page.wait_for_timeout(300)  # colour transitions

    # Unchecked checkboxes: in the table, in the roles form of a member's page, in the invite dialog.
    edges = {"row": page.locator("#member-table tbody input[type=checkbox]").first.evaluate(EDGE)}
    page.get_by_role("link", name="Invite members").click()
    edges["dialog"] = page.locator("dialog[open] input[type=checkbox]:not(:checked)").first.evaluate(EDGE)
    page.keyboard.press("Escape")
    for place, edge in edges.items():
        assert contrast(edge["border"], edge["outside"]) >= 3, (place, edge)
        assert contrast(edge["border"], edge["inside"]) >= 3, (place, edge)

    page.locator("#member-table tbody input[type=checkbox]").first.check()  # shows the bulk bar's buttons
    controls = {
        "link": page.locator("#member-table-sort-email"),
        "button": page.locator("[data-bulk-action]").first,
        "link as button": page.get_by_role("link", name="Invite members"),
        "search field": page.locator("#member-table-q"),
        "select": page.locator("#member-table-filters select").first,
        "checkbox": page.locator("#member-table tbody input[type=checkbox]").nth(1),
        "summary": page.locator("summary[aria-label^='Account menu']"),
        "table region": page.locator("#member-table .table-responsive"),
        "sidebar link": page.get_by_role("navigation", name="Main").get_by_role("link", name="Teams"),
    }
    for name, control in controls.items():
        outline = keyboard_focus(page, control)
        assert outline["visible"] and outline["style"] == "solid" and outline["width"] >= 2, (name, outline)
        assert contrast(outline["color"], outline["behind"]) >= 3, (name, theme, outline)
