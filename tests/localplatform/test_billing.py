"""Billing (§2.8, §3.22, §7): a real session metered into its hour at the rate card's exact amount, compositions
that reconcile, metering twice that changes nothing, the marketplace's simulated refusal, access."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from localplatform.billing import metering
from localplatform.billing.models import BillableAccount, SubmissionWindow
from localplatform.workloads.models import Usage
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.test_sessions import spark_sql
from tests.localplatform.workload_support import profile, wait_for

LOCAL = metering.LOCAL_ACCOUNT


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


def local_account(cast) -> BillableAccount:
    return next(a for a in metering.accounts(cast.org) if a.cloud_account_id == LOCAL)


def test_a_session_is_metered_in_its_hour_at_the_exact_rate_card_amount(
    cast, api, owner, runners, django_capture_on_commit_callbacks
):
    config = profile(cast)  # c8g.2xlarge: 8 vCPUs, 16 GiB
    with django_capture_on_commit_callbacks(execute=True):
        body = {"teamId": cast.team.id, "workloadConfigId": config.id}
        session = ok(api.post("/workloads/sessions", json=body, headers=owner), 201)
    endpoint = wait_for(
        lambda: ok(api.get(f"/workloads/sessions/{session['id']}", headers=owner))["connectionInfo"]["grpcEndpoint"]
    )
    spark_sql(endpoint, "select 1")
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(f"/workloads/sessions/{session['id']}", headers=owner)
    usage = Usage.objects.get(session_id=session["id"])
    # Move the measured run two hours back, inside one hour, so that its hour is over and metered.
    hour = metering.hour_of(timezone.now()) - timedelta(hours=2)
    measured = usage.ended_at - usage.started_at
    Usage.objects.filter(pk=usage.pk).update(started_at=hour + timedelta(minutes=10),
                                             ended_at=hour + timedelta(minutes=10) + measured)  # fmt: skip
    BillableAccount.objects.filter(pk=local_account(cast).pk).update(created_at=hour - timedelta(hours=1))

    windows = ok(api.get(f"/billing/{LOCAL}", headers=owner))["items"]
    window = next(w for w in windows if w["periodStart"] == hour.strftime("%Y-%m-%dT%H:%M:%SZ"))
    seconds = Decimal(str(measured.total_seconds())).quantize(Decimal("0.001"))
    vcpu = (seconds * 8 * Decimal("0.000012")).quantize(Decimal("0.000001"))
    memory = (seconds * 16 * Decimal("0.0000015")).quantize(Decimal("0.000001"))
    assert Decimal(str(window["amount"])) == vcpu + memory
    assert (window["status"], window["workloadCount"]) == ("accepted", 1)
    assert Decimal(str(window["quantity"])) == ((vcpu + memory) / Decimal("0.001")).quantize(Decimal("0.001"))

    composition = ok(api.get(f"/billing/{LOCAL}/{window['id']}", headers=owner))
    (item,) = composition["items"]
    assert (item["workloadType"], item["workloadId"], item["teamId"]) == ("session", session["id"], cast.team.id)
    assert {f["factor"]: f["quantity"] for f in item["factors"]} == {
        "vcpu_seconds": float(seconds * 8),
        "memory_gib_seconds": float(seconds * 16),
    }
    cents = sum(Decimal(str(i["amount"])) for i in composition["items"])
    assert round(cents, 2) == round(Decimal(str(composition["totalAmount"])), 2) == round(vcpu + memory, 2)


def test_metering_an_hour_again_changes_nothing(cast):
    config = profile(cast)
    hour = metering.hour_of(timezone.now()) - timedelta(hours=3)
    for minutes in (0, 30):
        Usage.objects.create(
            organization=cast.org, workload_type="session", workload_id=f"S{minutes}", workload_name=f"s{minutes}",
            team=cast.team, cluster=config.cluster, workload_config=config, vcpus=8, memory_gib=16,
            started_at=hour + timedelta(minutes=minutes), ended_at=hour + timedelta(minutes=minutes + 20),
        )  # fmt: skip
    account = local_account(cast)
    first = metering.meter(account, hour)
    again = metering.meter(account, hour)
    assert (again.id, again.amount, again.items.count()) == (first.id, first.amount, 2)
    assert (
        first.amount == sum(i.amount for i in first.items.all()) == Decimal("0.288000")
    )  # 2 x 1,200 s x (8 x 0.000012 + 16 x 0.0000015)
    metering.submit(first)
    Usage.objects.create(
        organization=cast.org, workload_type="session", workload_id="LATE", workload_name="late", team=cast.team,
        cluster=config.cluster, workload_config=config, vcpus=8, memory_gib=16, started_at=hour,
        ended_at=hour + timedelta(minutes=5),
    )  # fmt: skip
    assert metering.meter(account, hour).amount == first.amount  # a submitted window never changes
    assert SubmissionWindow.objects.filter(account=account, period_start=hour).count() == 1


def test_a_refused_submission_fails_once_and_says_it_is_simulated(cast):
    account = local_account(cast)
    BillableAccount.objects.filter(pk=account.pk).update(fail_next_submission="Subscription expired")
    account.refresh_from_db()
    hour = metering.hour_of(timezone.now()) - timedelta(hours=5)
    failed = metering.submit(metering.meter(account, hour))
    assert (failed.status, failed.status_message) == ("failed", "Subscription expired (simulated)")
    assert metering.submit(metering.meter(account, hour + metering.HOUR)).status == "accepted"


def test_windows_filter_by_range_page_by_marker_and_hide_zero_usage(cast, api, owner):
    account = local_account(cast)
    BillableAccount.objects.filter(pk=account.pk).update(created_at=timezone.now() - timedelta(hours=6))
    page = ok(api.get(f"/billing/{LOCAL}?includeZeroUsage=true&limit=2", headers=owner))
    assert len(page["items"]) == 2 and page["items"][0]["periodStart"] > page["items"][1]["periodStart"]
    rest = ok(api.get(f"/billing/{LOCAL}?includeZeroUsage=true&limit=2&marker={page['marker']}", headers=owner))
    assert rest["items"][0]["periodStart"] < page["items"][1]["periodStart"]
    assert ok(api.get(f"/billing/{LOCAL}", headers=owner))["items"] == []  # all zero usage
    assert_error(api.get(f"/billing/{LOCAL}?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", headers=owner), 400,
                 "invalid_request")  # fmt: skip


def test_accounts_with_the_rate_card(cast, api, owner):
    body = ok(api.get("/billing", headers=owner))
    assert [a["cloudAccountId"] for a in body["items"]] == [LOCAL]
    assert {r["factor"]: r["amount"] for r in body["rateCard"]["rates"]} == {
        "vcpu_seconds": 0.000012,
        "memory_gib_seconds": 0.0000015,
        "gpu_seconds": 0.00025,
    }
    assert "marker" not in body


def test_only_billing_readers_see_billing(cast, api, login, billing_viewer):
    member = bearer(login(cast.member)["accessToken"])
    assert_error(api.get("/billing", headers=member), 403, "permission_denied")
    assert_error(api.get(f"/billing/{LOCAL}", headers=member), 403, "permission_denied")
    viewer = bearer(login(billing_viewer)["accessToken"])
    ok(api.get("/billing", headers=viewer))
    assert_error(api.get("/billing/123456789012", headers=viewer), 404, "not_found")


def test_costs_per_day_split_by_team_add_up_to_the_windows(cast, api, owner, other_team):
    config = profile(cast)
    hour = metering.hour_of(timezone.now()) - timedelta(hours=30)
    for n, team in enumerate((cast.team, cast.team, other_team)):
        Usage.objects.create(
            organization=cast.org, workload_type="session" if n < 2 else "notebook", workload_id=f"W{n}",
            workload_name=f"w{n}", team=team, cluster=config.cluster, workload_config=config, vcpus=8, memory_gib=16,
            started_at=hour + timedelta(hours=n), ended_at=hour + timedelta(hours=n, minutes=30),
        )  # fmt: skip
    account = local_account(cast)
    windows = [metering.meter(account, hour + timedelta(hours=n)) for n in range(3)]
    since = (hour - timedelta(days=2)).strftime("%Y-%m-%dT00:00:00Z")
    until = (hour + timedelta(days=2)).strftime("%Y-%m-%dT00:00:00Z")
    body = ok(api.get(f"/billing/{LOCAL}/costs?from={since}&to={until}&by=day&groupBy=team", headers=owner))
    assert len(body["buckets"]) == 4
    total = sum(Decimal(str(b["amount"])) for b in body["buckets"])
    assert total == sum(w.amount for w in windows) == Decimal("0.648000")
    parts = {}
    for bucket in body["buckets"]:
        for team_id, amount in bucket["parts"].items():
            parts[team_id] = parts.get(team_id, 0) + amount
    assert parts == {cast.team.id: 0.432, other_team.id: 0.216}
    by_type = ok(api.get(f"/billing/{LOCAL}/costs?from={since}&to={until}&groupBy=workloadType", headers=owner))
    assert {k for b in by_type["buckets"] for k in b["parts"]} == {"session", "notebook"}
    assert_error(api.get(f"/billing/{LOCAL}/costs?from={until}&to={since}", headers=owner), 400, "invalid_request")
