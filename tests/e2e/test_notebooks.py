"""Notebooks in the browser (issue 13): create a notebook on a compute profile, start it and watch it reach
`running` on its own, run a Spark SQL cell inside the embedded Marimo (Sail answers), then leave the tab hidden
past a shortened idle timeout and see the notebook stop itself; sessions; axe and screenshots, light and dark."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from localplatform.workloads.models import Notebook, WorkloadConfig
from tests.e2e.test_sign_in import sign_in
from tests.localplatform.workload_support import local_cluster, profile

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "workloads"
QUERY = "SELECT 'sail-says-' || CAST(41 + 1 AS STRING) AS answer"  # its answer is nowhere in the code


@pytest.fixture
def quick(settings, runners):
    """Lifecycle timers 60 times faster: presence lapses after 2 s, a 5-minute idle timeout takes 5 s."""
    settings.LAKESAIL_WORKLOAD_TIME_SCALE = 60
    settings.LAKESAIL_HEARTBEAT_SECONDS = 0.5


def hide(page: Page) -> None:
    """The tab goes to the background, as far as the page can tell (headless Chromium never hides a tab)."""
    page.evaluate(
        "Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )


def test_start_a_notebook_run_spark_sql_in_marimo_and_see_it_stop_when_left_idle(
    page: Page, cast, live_server, quick, axe_check, shoot_both
):
    local_cluster(cast)
    page.goto("/sign-in")
    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="Compute profiles").click()
    page.get_by_role("link", name="New compute profile").first.click()
    page.get_by_label("Name", exact=True).fill("Standard")
    page.get_by_label("Team", exact=True).select_option(label="Data Platform")
    page.get_by_label("Cluster", exact=True).select_option(index=1)
    page.get_by_label("Driver instance type").fill("c8g.xlarge")
    page.get_by_role("button", name="Create compute profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard")
    config = WorkloadConfig.objects.get(name="Standard")

    page.get_by_role("link", name="Notebooks").click()
    expect(page.get_by_role("heading", name="No notebooks yet")).to_be_visible()
    axe_check(page)
    shoot_both(page, "notebook-list-empty")
    page.get_by_role("link", name="New notebook").first.click()
    page.get_by_label("Name", exact=True).fill("Revenue")
    page.get_by_label("Compute profile").select_option(config.id)
    page.get_by_label("Data Platform").check()
    page.get_by_label("Stop when idle for").select_option("300")
    axe_check(page)
    shoot_both(page, "notebook-new")
    page.get_by_role("button", name="Create notebook").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stopped")
    axe_check(page)
    shoot_both(page, "notebook-stopped")

    page.get_by_role("button", name="Start").click()
    expect(page.locator(".notebook-progress")).to_contain_text("Launching its Sail (Spark Connect) server")
    frame = page.frame_locator("iframe.notebook-frame")
    expect(page.locator("iframe.notebook-frame")).to_be_visible(timeout=90_000)  # no reload asked for by the test
    expect(page.get_by_role("heading", level=1)).to_contain_text("Running")

    editor = frame.locator(".cm-content").nth(1)  # the new notebook's second cell, after the one that makes `spark`
    expect(editor).to_be_visible(timeout=60_000)
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(f'spark.sql("{QUERY}").toPandas()')
    frame.get_by_test_id("run-button").last.click()  # run every cell that has not run
    answer = frame.locator(".output-area").get_by_text("sail-says-42")
    expect(answer.first).to_be_visible(timeout=90_000)
    answer.first.scroll_into_view_if_needed()
    axe_check(page)
    shoot_both(page, "notebook-running")
    page.locator("iframe.notebook-frame").screenshot(path=str(SHOTS / "notebook-cell-output.png"))
    notebook = Notebook.objects.get(name="Revenue")
    assert notebook.status == "running"

    hide(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stopped", timeout=60_000)
    expect(page.get_by_text("Stopped after its idle timeout.")).to_be_visible()
    assert Notebook.objects.get(pk=notebook.pk).status == "stopped"
    axe_check(page)
    shoot_both(page, "notebook-stopped-idle")


def test_sessions_list_and_page(page: Page, cast, live_server, quick, axe_check, shoot_both):
    profile(cast, "Standard")
    page.goto("/sign-in")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", name="No sessions")).to_be_visible()
    page.get_by_role("link", name="New session").first.click()
    page.get_by_label("Compute profile").select_option(index=1)
    page.locator("#id_name").fill("adhoc")
    axe_check(page)
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("adhoc")
    expect(page.locator("#session-endpoint")).to_contain_text("sc://127.0.0.1:", timeout=60_000)
    axe_check(page)
    shoot_both(page, "session-detail")
    page.get_by_role("link", name="Sessions").first.click()
    expect(page.get_by_role("link", name="adhoc")).to_be_visible()
    axe_check(page)
    shoot_both(page, "session-list")
