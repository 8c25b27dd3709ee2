"""Billing (contract §3.22): the overview (accounts, the rate card, cost over time, the windows) and a window's
composition, each with a CSV export of the same rows.

Only CanViewBilling@org sees it (Owners, Admins, Billing Viewers, Auditors); the platform refuses everyone else.
The overview makes three calls: the accounts with the rate card, the chart's costs (an extension that sums the
windows per day or hour and by team or workload type), and one page of windows.
"""

import csv

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from console.charts import stacked_bars
from console.client import billing as client
from console.client.errors import Forbidden
from console.client.models.billing import BillableAccount
from console.client.teams import list_teams
from console.forms.billing import BillingQuery
from console.htmx import render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table
from console.views.access import access_of
from console.views.decorators import signed_in

OVERVIEW = "console/billing/overview.html"
WINDOW = "console/billing/window.html"
VIEW = "CanViewBilling"
READERS = "Only Owners, Admins, Billing Viewers and Auditors can see billing."
CSV_PAGES = 100  # at most 10,000 windows in one export


def require_billing(request) -> None:
    if not access_of(request).can(VIEW):
        raise Forbidden(READERS)


def chosen(accounts: list[BillableAccount], cloud_account_id: str | None) -> BillableAccount | None:
    return next((a for a in accounts if a.cloud_account_id == cloud_account_id), accounts[0] if accounts else None)


@require_safe
@signed_in
def billing_overview(request: SignedInRequest):
    """GET /billing, the chart's costs and a page of windows of the account and range in the URL (3 calls)."""
    require_billing(request)
    query = BillingQuery(request.GET)
    listing = client.list_billable_accounts(request.platform)
    account = chosen(listing.items, query.value("account"))
    chart, windows, table = None, None, None
    start, end = query.span
    if account is not None:
        group_by = "team" if query.split == "team" else "workloadType"
        costs = client.summarize_costs(
            request.platform, account.cloud_account_id, start=start, end=end, by=query.grouping, group_by=group_by
        )
        keys = sorted(costs.labels, key=lambda k: (not k, costs.labels[k].lower()))
        buckets = [(b.start, [b.parts.get(k, 0.0) for k in keys]) for b in costs.buckets]
        title = f"Cost per {query.grouping}, {query.days[0]:%b %d} to {query.days[1]:%b %d, %Y}"
        chart = stacked_bars(title, buckets, [costs.labels[k] for k in keys], daily=query.grouping == "day")
        windows = client.list_submission_windows(
            request.platform, account.cloud_account_id, start=start, end=end,
            include_zero_usage=bool(query.value("zero")), limit=query.page_size, marker=query.value("marker"),
        )  # fmt: skip
        table = Table(
            id="window-table",
            caption="Hourly submission windows, newest first",
            query=query,
            rows=windows.items,
            next_marker=windows.marker,
            row=f"{OVERVIEW}#window-row",
            columns=[
                Column("Hour (UTC)"),
                Column("Status"),
                Column("Workloads", css="num"),
                Column("Units", css="num"),
                Column("Amount", css="num"),
                Column("Submitted"),
            ],
            empty=Empty(
                "No usage in this range", "Hours in which nothing ran are left out unless you ask for them.", "receipt"
            ),
            extra={"window_path": reverse("billing_window", args=[account.cloud_account_id, "0"])[:-1]},
            noun=("window", "windows"),
        )
    total = sum(sum(values) for _, values in (buckets if account else []))
    context = {
        "accounts": listing.items,
        "account": account,
        "rate_card": listing.rate_card,
        "query": query,
        "chart": chart,
        "table": table,
        "total": total,
        "csv_url": f"{reverse('billing_windows_csv')}?{query.query(marker=None)}",
    }
    return render_page(request, OVERVIEW, context, partials="window-table")


@require_safe
@signed_in
def billing_windows_csv(request: SignedInRequest):
    """Every window of the account and range in the URL, as CSV (the windows table's columns)."""
    require_billing(request)
    query = BillingQuery(request.GET)
    account = chosen(client.list_billable_accounts(request.platform).items, query.value("account"))
    response = csv_response(f"lakesail-billing-{account.cloud_account_id if account else 'none'}-{query.days[0]}"
                            f"-{query.days[1]}.csv")  # fmt: skip
    writer = csv.writer(response)
    writer.writerow(["period_start", "period_end", "status", "workloads", "quantity_units", "amount_usd",
                     "submitted_at", "marketplace_record_id", "window_id"])  # fmt: skip
    if account is None:
        return response
    start, end = query.span
    marker = None
    for _ in range(CSV_PAGES):
        page = client.list_submission_windows(
            request.platform, account.cloud_account_id, start=start, end=end,
            include_zero_usage=bool(query.value("zero")), limit=100, marker=marker,
        )  # fmt: skip
        for w in page.items:
            writer.writerow([iso(w.period_start), iso(w.period_end), w.status, w.workload_count, f"{w.quantity:.3f}",
                             f"{w.amount:.6f}", iso(w.submitted_at), w.marketplace_record_id or "", w.id])  # fmt: skip
        marker = page.marker
        if not marker:
            break
    return response


@require_safe
@signed_in
def billing_window(request: SignedInRequest, cloud_account_id: str, submission_id: str):
    """GET /billing/{account}/{submission}: the window by workload, reconciled; the teams' names (2 calls)."""
    require_billing(request)
    composition = client.describe_submission_composition(request.platform, cloud_account_id, submission_id)
    teams = {s.team.id: s.team.name for s in list_teams(request.platform, limit=100).items}
    summed = round(sum(item.amount for item in composition.items), 6)
    context = {
        "composition": composition,
        "rows": [(item, teams.get(item.team_id or "", "")) for item in composition.items],
        "summed": summed,
        "reconciles": round(summed, 2) == round(composition.total_amount, 2),
        "csv_url": reverse("billing_window_csv", args=[cloud_account_id, submission_id]),
    }
    return render_page(request, WINDOW, context)


@require_safe
@signed_in
def billing_window_csv(request: SignedInRequest, cloud_account_id: str, submission_id: str):
    """A window's composition as CSV: one row per workload and factor, then the total."""
    require_billing(request)
    composition = client.describe_submission_composition(request.platform, cloud_account_id, submission_id)
    response = csv_response(f"lakesail-window-{cloud_account_id}-{composition.period_start:%Y%m%dT%H%M}Z.csv")
    writer = csv.writer(response)
    writer.writerow(["workload_type", "workload_id", "workload_name", "team_id", "member_id", "cluster_id", "factor",
                     "quantity", "rate_usd", "amount_usd"])  # fmt: skip
    for item in composition.items:
        for f in item.factors:
            rate = f"{f.rate:.9f}".rstrip("0")
            writer.writerow([item.workload_type, item.workload_id, item.workload_name, item.team_id or "",
                             item.member_id or "", item.cluster_id, f.factor, f"{f.quantity:.3f}", rate,
                             f"{f.amount:.6f}"])  # fmt: skip
    writer.writerow(["total", "", "", "", "", "", "", "", "", f"{composition.total_amount:.6f}"])
    return response


def csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""
