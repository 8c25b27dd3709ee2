"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Each test gets a live server on a transactional database (with the role catalogue written again after
the previous test's flush), the fixed cast from tests/conftest.py, a `shoot` helper that
saves screenshots under var/screenshots/e2e/, an `axe_check` helper for accessibility, and `demo`: the
seeded demo organization that scripts/screenshots.py's tour of every screen walks.
"""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page

from localplatform.identity.models import Member
from localplatform.identity.services import directory, invitations
from scripts.screenshots import MEMBER, OWNER

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "e2e"
CHROMIUM = "/usr/bin/chromium"
# Impacts that fail a test; "minor" and "moderate" findings are printed but tolerated.
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (never a Playwright download), kept off the network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def cast(catalogue, cast):
    """The cast of tests/conftest.py, built after the catalogue is back."""
    return cast


@pytest.fixture
def browser_context_args(browser_context_args, live_server, catalogue):
    """Every page talks to the live server: page.goto("/") opens the console."""
    return {**browser_context_args, "base_url": live_server.url, "viewport": {"width": 1366, "height": 900}}


@pytest.fixture
def shoot(request):
    """shoot(page, name): a full-page screenshot at var/screenshots/e2e/<test>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.originalname.removeprefix('test_')}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shoot


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def describe(violations: list[dict], url: str) -> list[str]:
    """One line per axe-core violation: impact, rule, what it asks, and where (the first three elements)."""
    return [
        f"{v.get('impact')}: {v['id']} on {url}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]


@pytest.fixture
def axe_check(axe):
    """axe_check(page): fails on serious or critical axe-core violations, listing each one."""

    def _check(page) -> None:
        violations = axe.run(page).response["violations"]
        for line in describe(violations, page.url):
            print(f"axe {line}")
        blocking = describe([v for v in violations if v.get("impact") in BLOCKING_IMPACTS], page.url)
        assert not blocking, f"{len(blocking)} serious/critical accessibility violations: " + "; ".join(blocking)

    return _check


@pytest.fixture
def demo(catalogue, live_server):
    """The demo organization of `manage.py seed_demo` (the tour of scripts/screenshots.py walks it), with a
    pending invitation so every list has rows. Returns the (email, password) of its Owner and of a Member."""
    call_command("seed_demo", verbosity=0)
    owner = Member.objects.get(user__email=OWNER, organization__name="Acme Analytics")
    invitations.create_invitation(
        owner, "new.analyst@acme.test", [directory.role("member").id], [], "managed", "Welcome!", live_server.url
    )
    return (OWNER, settings.LAKESAIL_DEMO_PASSWORD), (MEMBER, settings.LAKESAIL_DEMO_PASSWORD)


PHONE_SIZE = {"width": 390, "height": 844}
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def shoot_both(request):
    """shoot_both(page, name): full-page screenshots, light and dark, at the test's size and on a 390 px phone.

    Saved as <the test module's SHOTS folder>/<name>[-phone]-<theme>.png; on the phone the page must not scroll
    sideways.
    """
    shots = request.module.SHOTS
    shots.mkdir(parents=True, exist_ok=True)

    def _shoot(page: Page, name: str) -> None:
        page.wait_for_load_state()  # a click may still be navigating: the document must be there
        page.evaluate("window.scrollTo(0, 0)")  # else the sticky top bar is drawn where the page was scrolled to
        original = page.evaluate("document.documentElement.getAttribute('data-bs-theme')")
        desktop = page.viewport_size
        for size, suffix in ((desktop, ""), (PHONE_SIZE, "-phone")):
            page.set_viewport_size(size)
            for theme in ("light", "dark"):
                page.evaluate(f"document.documentElement.setAttribute('data-bs-theme', '{theme}')")
                page.wait_for_timeout(350)  # let colour transitions finish
                page.screenshot(path=str(shots / f"{name}{suffix}-{theme}.png"), full_page=True)
            if suffix:
                assert page.evaluate(SIDEWAYS) <= 0, f"{name} scrolls sideways at 390 px"
        page.set_viewport_size(desktop)
        page.evaluate(f"document.documentElement.setAttribute('data-bs-theme', '{original or 'light'}')")
        page.wait_for_timeout(350)

    return _shoot
