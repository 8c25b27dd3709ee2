"""Billing screens: the overview (accounts, rate card, cost chart, windows in a range kept in the URL), a window's
composition that reconciles, both CSV exports matching the page; who sees billing, and platform calls."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from localplatform.billing import metering
from localplatform.workloads.models import Usage
from tests.console.test_teams import calls
from tests.localplatform.workload_support import profile


@pytest.fixture
def history(cast):
    """Two hours with usage, yesterday: three sessions of two teams, metered and submitted."""
    config = profile(cast)
    hour = metering.hour_of(timezone.now()) - timedelta(days=1)
    for n in range(3):
        Usage.objects.create(
            organization=cast.org, workload_type="session", workload_id=f"S{n}", workload_name=f"session-{n}",
            team=cast.team, cluster=config.cluster, workload_config=config, vcpus=8, memory_gib=16,
            started_at=hour + timedelta(hours=n // 2, minutes=5), ended_at=hour + timedelta(hours=n // 2, minutes=35),
        )  # fmt: skip
    account = next(a for a in metering.accounts(cast.org) if a.cloud_account_id == metering.LOCAL_ACCOUNT)
    windows = [metering.submit(metering.meter(account, hour + timedelta(hours=n))) for n in range(2)]
    return account, windows


def test_a_billing_viewer_sees_the_overview_in_three_calls(signed_in, billing_viewer, history):
    client = signed_in(billing_viewer)
    client.get("/billing")  # learns the caller's relations (once per session)
    response = client.get("/billing")
    html = response.content.decode()
    assert "Cost over time" in html and "Rate card" in html and "$0.000012" in html and "This machine" in html
    assert [c.split("?")[0] for c in calls(response)] == [
        "GET /billing",
        "GET /billing/000000000000/costs",
        "GET /billing/000000000000",
    ]
    assert html.count('class="chart-bar') >= 1 and "Data Platform" in html
    assert "<strong>$0.65</strong>" in html  # 3 sessions x 1,800 s x (8 x $0.000012 + 16 x $0.0000015) = $0.648


def test_the_range_and_grouping_stay_in_the_url_and_the_csv_matches_the_table(signed_in, cast, history):
    client = signed_in(cast.owner)
    day = (timezone.now() - timedelta(days=1)).date()
    query = f"?start={day}&end={day}&by=hour&stack=type&zero=on"
    html = client.get(f"/billing{query}").content.decode()
    assert f'value="{day:%Y-%m-%d}"' in html and 'value="hour" selected' in html and "Sessions" in html
    exported = client.get(f"/billing/windows.csv{query}")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert any(r["workloads"] == "0" for r in rows)  # hours without usage, asked for
    with_usage = [r for r in rows if r["workloads"] != "0"]
    _, windows = history
    assert sorted(r["window_id"] for r in with_usage) == sorted(w.id for w in windows)
    assert sum(float(r["amount_usd"]) for r in with_usage) == pytest.approx(float(sum(w.amount for w in windows)))


def test_a_window_reconciles_and_its_csv_has_every_factor(signed_in, cast, history):
    account, windows = history
    client = signed_in(cast.owner)
    response = client.get(f"/billing/{account.cloud_account_id}/{windows[0].id}")
    html = response.content.decode()
    assert "Matches the window" in html and "session-0" in html and "session-1" in html and "Data Platform" in html
    assert len(calls(response)) == 2
    rows = list(csv.reader(io.StringIO(client.get(f"/billing/000000000000/{windows[0].id}.csv").content.decode())))
    assert rows[0][0] == "workload_type" and rows[-1][0] == "total"
    assert len(rows) == 2 + 2 * 2  # header, 2 sessions x 2 factors, total
    assert sum(float(r[-1]) for r in rows[1:-1]) == pytest.approx(float(rows[-1][-1])) == float(windows[0].amount)


def test_members_get_no_billing_entry_and_a_refusal(signed_in, cast):
    member = signed_in(cast.member)
    member.get("/billing")
    assert 'href="/billing"' not in member.get("/").content.decode()
    assert member.get("/billing").status_code == 403
    assert member.get("/billing/windows.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in():
    response = Client().get("/billing")
    assert response.status_code == 302 and "/sign-in" in response["Location"]
