"""Every screen of the console with axe-core, in the light and the dark theme, on a desktop and a phone.

The tour (scripts/screenshots.py) walks the signed-out pages, every screen of the demo organization as its
Owner (lists, a filtered list, details, the dialogs and menus open, forms, error pages, the platform down)
and what a plain Member sees.
At every stop and in both themes axe-core must find nothing at all (any impact), and a screenshot is saved
under var/screenshots/screens/<stop>-<width>-<theme>.png for review.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scripts.screenshots import DESKTOP, PHONE, THEMES, set_theme, sign_in, tour
from tests.client.support import error_response, faults, on
from tests.e2e.conftest import describe

pytestmark = pytest.mark.e2e

SCREENS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "screens"
# Findings in an area's own template, left to that area (stop, rule): why. Everything else must be clean.
KNOWN: dict[tuple[str, str], str] = {}  # (tour stop, axe rule) -> why it is accepted; none at present


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_screen_has_no_axe_violations_in_either_theme(page: Page, demo, axe, viewport):
    page.set_viewport_size(viewport)
    SCREENS.mkdir(parents=True, exist_ok=True)
    found, stops = [], []
    for stop in tour(page, *demo):
        stops.append(stop.name)
        found += check(page, axe, stop.name, viewport, stop.full_page)
    with faults(on("/org/teams", error_response(503, "unavailable"), method="GET")):
        sign_in(page, *demo[0])
        page.goto("/teams")
        expect(page.get_by_role("heading", name="The platform isn't responding")).to_be_visible()
        found += check(page, axe, "unavailable", viewport)
    assert len(stops) >= 40, stops
    assert not found, "\n".join(found)


def check(page: Page, axe, name: str, viewport: dict, full_page: bool = True) -> list[str]:
    """axe-core's findings on the page in both themes (less KNOWN ones), saving a screenshot of each."""
    found = []
    for theme in THEMES:
        set_theme(page, theme)
        page.wait_for_timeout(250)  # colour transitions end before axe measures contrast
        violations = [v for v in axe.run(page).response["violations"] if (name, v["id"]) not in KNOWN]
        found += describe(violations, f"{page.url} ({theme})")
        page.screenshot(path=SCREENS / f"{name}-{viewport['width']}-{theme}.png", full_page=full_page)
    set_theme(page, "light")
    return found
