"""Billing in the browser (issue 14), as the demo's Billing Viewer over its 60 days of metered usage: pick a 30-day
range, see the chart, download the CSV and find the page's rows in it, open a window and see its composition
reconcile, download that CSV too; axe and screenshots, light and dark."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in import sign_in

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "billing"
VIEWER = "kenji.watanabe@acme.test"  # a Billing Viewer of the demo organization


def test_the_demo_billing_viewer_reads_costs_opens_a_window_and_downloads_csv(
    page: Page, demo, live_server, axe_check, shoot_both
):
    page.goto("/sign-in")
    sign_in(page, VIEWER, settings.LAKESAIL_DEMO_PASSWORD)
    page.get_by_role("link", name="Billing", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    end = timezone.now().date()
    start = end - timedelta(days=29)
    page.get_by_label("From", exact=True).fill(f"{start}")
    page.get_by_label("To", exact=True).fill(f"{end}")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(
        f"{live_server.url}/billing?account=000000000000&start={start}&end={end}&by=day&stack=team"
    )
    assert page.locator("#cost-chart rect.chart-bar").count() >= 15  # weekdays of two teams
    expect(page.locator("#cost-chart figcaption")).to_contain_text("Data Platform")
    axe_check(page)
    shoot_both(page, "billing-overview")

    shown = {
        link.get_attribute("href").rsplit("/", 1)[1]: link.locator("xpath=ancestor::tr").inner_text()
        for link in page.locator("#window-table tbody a").all()
    }
    assert len(shown) == 50
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = {r["window_id"]: r for r in csv.DictReader(io.StringIO(Path(download.value.path()).read_text()))}
    for window_id, text in shown.items():
        assert window_id in rows and f"${rows[window_id]['amount_usd']}" in text

    page.locator("#window-table tbody a").first.click()
    expect(page.get_by_text("Matches the window")).to_be_visible()
    total = page.locator("tfoot td").inner_text()
    axe_check(page)
    shoot_both(page, "billing-window")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert lines[0][0] == "workload_type" and lines[-1][0] == "total" and total == f"${lines[-1][-1]}"
