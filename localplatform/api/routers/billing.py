"""The billing operations (contract §3.22): billable accounts with the rate card, hourly windows, compositions.

Every read meters the complete hours not metered yet (as the worker does every few minutes), so what it shows
is never older than the last full hour.
"""

from datetime import timedelta

from ninja import Query, Router

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import decode_marker, encode_marker, marker_filters
from localplatform.api.shapes import billing as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.billing import metering
from localplatform.billing.models import BillableAccount
from localplatform.errors import PlatformError, not_found
from localplatform.identity.models import Team

router = Router(tags=["billing"], auth=BearerAuth())
TYPES = {"session": "Sessions", "notebook": "Notebooks", "job_run": "Job runs"}
VIEW = "CanViewBilling"


def account_for(request, cloud_account_id: str) -> BillableAccount:
    actor = request.auth
    actor.require(VIEW)
    metering.meter_due(actor.organization)
    account = BillableAccount.objects.filter(organization=actor.organization, cloud_account_id=cloud_account_id).first()
    if account is None:
        raise not_found("billable account")
    return account


@router.get(
    "/billing",
    response={200: shapes.AccountList, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is always absent: everything fits in one page
    summary="List billable cloud accounts",
)
def list_billable_accounts(request):
    """Lists the organization's marketplace-linked cloud accounts with the current rate card."""
    actor = request.auth
    actor.require(VIEW)
    metering.meter_due(actor.organization)
    found = metering.accounts(actor.organization)
    return {"items": [shapes.account_data(a) for a in found], "rateCard": shapes.rate_card()}


@router.get(
    "/billing/{cloudAccountId}",
    response={200: shapes.WindowPage, **errors(400, 401, 403, 404)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List submission windows for a cloud account",
)
def list_submission_windows(request, cloudAccountId: shapes.CloudAccountId, query: Query[shapes.WindowQuery]):
    """Lists one account's hourly metering submissions, newest first, in a date range."""
    if query.from_ and query.to and query.from_ > query.to:
        raise PlatformError("invalid_request", "`from` is after `to`.")
    account = account_for(request, cloudAccountId)
    found = account.windows.order_by("-period_start")
    if query.from_:
        found = found.filter(period_start__gte=query.from_)
    if query.to:
        found = found.filter(period_end__lte=query.to)
    if not query.includeZeroUsage:
        found = found.filter(workload_count__gt=0)
    filters = marker_filters(query)
    if query.marker:
        (after,) = decode_marker(query.marker, filters)
        found = found.filter(period_start__lt=after)
    rows = list(found[: query.limit + 1]) if query.limit else []
    body: dict = {"items": [shapes.window_data(w) for w in rows[: query.limit]]}
    if len(rows) > query.limit:
        body["marker"] = encode_marker([rows[query.limit - 1].period_start.isoformat()], filters)
    return body


@router.get(
    "/billing/{cloudAccountId}/costs",
    response={200: shapes.Costs, **errors(400, 401, 403, 404)},
    summary="Summarise costs over time",
)
def summarize_costs(request, cloudAccountId: shapes.CloudAccountId, query: Query[shapes.CostQuery]):
    """Extension: one account's amounts per day or hour in a range, split by team or workload type."""
    if query.from_ >= query.to:
        raise PlatformError("invalid_request", "`from` must be before `to`.")
    if query.to - query.from_ > timedelta(days=400 if query.by == "day" else 31):
        raise PlatformError("invalid_request", "Ask for at most 400 days by day, or 31 days by hour.")
    account = account_for(request, cloudAccountId)
    group = "team" if query.groupBy == "team" else "type"
    buckets = metering.costs(account, query.from_, query.to, by=query.by, group=group)
    keys = {k for b in buckets for k in b["parts"]}
    if group == "team":
        names = dict(Team.objects.filter(organization=account.organization, pk__in=keys).values_list("id", "name"))
        labels = {k: names.get(k, "No team" if not k else "A deleted team") for k in keys}
    else:
        labels = {k: TYPES.get(k, k) for k in keys}
    return {
        "labels": labels,
        "cloudAccountId": account.cloud_account_id,
        "currency": "USD",
        "by": query.by,
        "groupBy": query.groupBy,
        "buckets": [
            {"start": b["start"], "amount": float(b["amount"]), "parts": {k: float(v) for k, v in b["parts"].items()}}
            for b in buckets
        ],
    }


@router.get(
    "/billing/{cloudAccountId}/{submissionId}",
    response={200: shapes.WorkloadComposition, **errors(400, 401, 403, 404)},
    summary="Get submission workload composition",
)
def describe_submission_composition(request, cloudAccountId: shapes.CloudAccountId, submissionId: Id):
    """Breaks one submission down by workload, with the factors and rates that make its amount."""
    account = account_for(request, cloudAccountId)
    window = account.windows.filter(pk=submissionId).first()
    if window is None:
        raise not_found("submission")
    return shapes.composition_data(window)
