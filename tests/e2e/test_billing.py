"""Billing in the browser (issue 14), as the demo's Billing Viewer: pick a 30-day range, see the chart, open a
window, see its composition reconcile, download the CSV and find the page's rows in it; axe, light and dark."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from localplatform.billing import metering
from localplatform.workloads.models import Usage
from tests.e2e.test_sign_in import sign_in
from tests.localplatform.workload_support import profile

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "billing"


def test_a_billing_viewer_reads_costs_opens_a_window_and_downloads_csv(
    page: Page, cast, billing_viewer, live_server, axe_check, shoot_both
):
    config = profile(cast)
    hour = metering.hour_of(timezone.now()) - timedelta(days=3)
    for n in range(4):
        Usage.objects.create(
            organization=cast.org, workload_type="session" if n else "notebook", workload_id=f"W{n}",
            workload_name=f"revenue-{n}", team=cast.team, cluster=config.cluster, workload_config=config, vcpus=8,
            memory_gib=16, started_at=hour + timedelta(minutes=10 * n), ended_at=hour + timedelta(minutes=10 * n + 25),
        )  # fmt: skip
    account = next(a for a in metering.accounts(cast.org) if a.cloud_account_id == metering.LOCAL_ACCOUNT)
    window = metering.submit(metering.meter(account, hour))

    page.goto("/sign-in")
    sign_in(page, billing_viewer.email, billing_viewer.password)
    page.get_by_role("link", name="Billing", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Billing")
    end = timezone.now().date()
    page.get_by_label("From", exact=True).fill(f"{end - timedelta(days=29)}")
    page.get_by_label("To", exact=True).fill(f"{end}")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(f"{live_server.url}/billing?account=000000000000&start={end - timedelta(days=29)}"
                             f"&end={end}&by=day&stack=team")  # fmt: skip
    expect(page.locator("#cost-chart rect.chart-bar")).to_have_count(1)
    expect(page.locator("#cost-chart")).to_contain_text("Data Platform")
    axe_check(page)
    shoot_both(page, "billing-overview")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["window_id"] for r in rows] == [window.id]
    row_on_page = page.get_by_role("row").filter(has_text=f"${float(window.amount):.6f}")
    expect(row_on_page).to_have_count(1)
    assert rows[0]["amount_usd"] == f"{window.amount:.6f}"

    row_on_page.get_by_role("link").click()
    expect(page.get_by_text("Matches the window")).to_be_visible()
    expect(page.get_by_role("rowheader", name="revenue-0")).to_be_visible()
    axe_check(page)
    shoot_both(page, "billing-window")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert lines[-1][-1] == f"{window.amount:.6f}" and {line[2] for line in lines[1:-1]} == {
        f"revenue-{n}" for n in range(4)
    }
