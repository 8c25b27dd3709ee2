"""Metering (contract §7): recorded usage of sessions and notebooks into hourly submission windows.

For each workload that ran in an hour: seconds of overlap x the profile's vCPUs, memory and GPUs give the factors'
quantities; each factor's amount is quantity x rate, rounded half-even to the micro-dollar; an item's amount is the
sum of its factors', and the window's the sum of its items' (so a composition always reconciles exactly).
The marketplace's quantity is the amount in its units of 0.001 USD. Metering an hour again recomputes it from
the usage and replaces the window's items while it has not been submitted: nothing is ever counted twice.
The marketplace submission is simulated (pending → submitted → accepted, or failed) and says so.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from localplatform.billing.models import BillableAccount, SubmissionWindow, WindowItem
from localplatform.infra.models import Cluster
from localplatform.workloads.models import Usage

HOUR = timedelta(hours=1)
MICRO = Decimal("0.000001")
MILLI = Decimal("0.001")
UNIT = Decimal("0.001")  # one marketplace unit, in USD
RATES = {  # factor -> (USD per unit of the factor, unit), the rate card of §7
    "vcpu_seconds": (Decimal("0.000012"), "vCPU-second"),
    "memory_gib_seconds": (Decimal("0.0000015"), "GiB-second"),
    "gpu_seconds": (Decimal("0.00025"), "GPU-second"),
}
RATES_FROM = datetime(2026, 1, 1, tzinfo=UTC)
LOCAL_ACCOUNT = "000000000000"  # this machine: the account of workloads on self-registered clusters


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def accounts(organization) -> list[BillableAccount]:
    """The organization's billable accounts: this machine's, and one per connected AWS account (made on demand)."""
    from localplatform.infra.models import Connection

    found = {a.cloud_account_id: a for a in BillableAccount.objects.filter(organization=organization)}
    wanted = [(LOCAL_ACCOUNT, None), *((c.account_id, c) for c in Connection.objects.filter(organization=organization))]
    for cloud_account_id, connection in wanted:
        if cloud_account_id not in found:
            found[cloud_account_id] = BillableAccount.objects.create(
                organization=organization,
                connection=connection,
                cloud_account_id=cloud_account_id,
                provider_id=f"mp-cust-{organization.id.lower()}-{cloud_account_id[-4:]}",
                created_at=organization.created_at,
            )
    return sorted(found.values(), key=lambda a: a.cloud_account_id)


def clusters_of(account: BillableAccount) -> list[str]:
    """The clusters whose workloads the account pays for."""
    found = Cluster.objects.filter(organization_id=account.organization_id)
    if account.connection_id:
        found = found.filter(connection_id=account.connection_id)
    elif account.cloud_account_id == LOCAL_ACCOUNT:
        found = found.filter(connection__isnull=True)
    else:
        return []
    return list(found.values_list("id", flat=True))


def _money(value: Decimal) -> Decimal:
    return value.quantize(MICRO, rounding=ROUND_HALF_EVEN)


def items_for(account: BillableAccount, start: datetime, end: datetime) -> list[dict]:
    """One item per workload that ran in [start, end), with its factors and amount (as Decimals)."""
    usage = Usage.objects.filter(cluster_id__in=clusters_of(account), started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=start)
    )
    grouped: dict[tuple[str, str], dict] = {}
    totals: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    now = timezone.now()
    for row in usage.order_by("started_at", "id"):
        stop = min(row.ended_at or now, end)
        seconds = Decimal(str(max((stop - max(row.started_at, start)).total_seconds(), 0))).quantize(MILLI)
        if not seconds:
            continue
        key = (row.workload_type, row.workload_id)
        grouped.setdefault(key, {
            "workloadType": row.workload_type, "workloadId": row.workload_id, "workloadName": row.workload_name,
            "teamId": row.team_id, "memberId": row.member_id, "clusterId": row.cluster_id,
        })  # fmt: skip
        totals[key]["vcpu_seconds"] += seconds * Decimal(str(row.vcpus))
        totals[key]["memory_gib_seconds"] += seconds * Decimal(str(row.memory_gib))
        totals[key]["gpu_seconds"] += seconds * Decimal(str(row.gpus))
    items = []
    for key, item in grouped.items():
        factors: list[dict] = []
        for factor, (rate, _unit) in RATES.items():
            quantity = totals[key][factor].quantize(MILLI)
            if quantity:
                factors.append(
                    {"factor": factor, "quantity": quantity, "rate": rate, "amount": _money(quantity * rate)}
                )
        amount: Decimal = sum((f["amount"] for f in factors), Decimal(0))
        items.append({**item, "factors": factors, "amount": amount})
    return sorted(items, key=lambda i: (-i["amount"], i["workloadName"].lower(), i["workloadId"]))


def meter(account: BillableAccount, start: datetime) -> SubmissionWindow:
    """The window of the hour starting at `start`, computed again from the usage unless already submitted."""
    start = hour_of(start)
    end = start + HOUR
    with transaction.atomic():
        window, _ = SubmissionWindow.objects.select_for_update().get_or_create(
            account=account, period_start=start, defaults={"period_end": end}
        )
        if window.status != SubmissionWindow.PENDING:
            return window
        items = items_for(account, start, end)
        window.items.all().delete()
        WindowItem.objects.bulk_create(
            WindowItem(
                window=window, workload_type=i["workloadType"], workload_id=i["workloadId"],
                workload_name=i["workloadName"], team_id=i["teamId"], member_id=i["memberId"],
                cluster_id=i["clusterId"], amount=i["amount"],
                factors=[{k: str(v) if k != "factor" else v for k, v in f.items()} for f in i["factors"]],
            )
            for i in items
        )  # fmt: skip
        window.amount = sum((i["amount"] for i in items), Decimal(0))
        window.quantity = (window.amount / UNIT).quantize(MILLI)
        window.workload_count = len(items)
        window.save()
    return window


def submit(window: SubmissionWindow, now: datetime | None = None) -> SubmissionWindow:
    """Send a metered window to the marketplace (simulated): submitted, then accepted, or failed when told to."""
    now = now or timezone.now()
    account = window.account
    with transaction.atomic():
        if window.status != SubmissionWindow.PENDING:
            return window
        if account.fail_next_submission:
            window.status, window.status_message = (
                SubmissionWindow.FAILED,
                f"{account.fail_next_submission} (simulated)",
            )
            account.fail_next_submission = None  # once
            BillableAccount.objects.filter(pk=account.pk).update(fail_next_submission=None)
        else:
            window.status, window.submitted_at = SubmissionWindow.ACCEPTED, now
            window.marketplace_record_id = f"mr-{window.id.lower()}"
            window.status_message = "Accepted by the marketplace (simulated)."
            account.last_submission_at = now
            BillableAccount.objects.filter(pk=account.pk).update(last_submission_at=now)
        window.save()
    return window


def meter_due(organization, now: datetime | None = None, *, backfill: timedelta = timedelta(days=2)) -> int:
    """Meter and submit every complete hour not yet metered (at most `backfill` back); returns how many."""
    now = now or timezone.now()
    done = 0
    for account in accounts(organization):
        latest = account.windows.order_by("-period_start").values_list("period_start", flat=True).first()
        start = latest + HOUR if latest else max(hour_of(account.created_at), hour_of(now) - backfill)
        while start + HOUR <= now:
            submit(meter(account, start), now)
            start += HOUR
            done += 1
    return done


def costs(account: BillableAccount, start: datetime, end: datetime, *, by: str, group: str) -> list[dict]:
    """Amounts per day or hour in [start, end), each split by team or by workload type (the console's chart)."""
    from django.db.models import Sum
    from django.db.models.functions import TruncDay, TruncHour

    trunc = TruncDay if by == "day" else TruncHour
    key = "team_id" if group == "team" else "workload_type"
    rows = (
        WindowItem.objects.filter(
            window__account=account, window__period_start__gte=start, window__period_start__lt=end
        )
        .annotate(bucket=trunc("window__period_start"))
        .values("bucket", key)
        .annotate(total=Sum("amount"))
        .order_by("bucket", key)
    )
    buckets: dict[datetime, dict[str, Decimal]] = {}
    step = timedelta(days=1) if by == "day" else HOUR
    moment = hour_of(start).replace(hour=0) if by == "day" else hour_of(start)
    while moment < end:
        buckets[moment] = {}
        moment += step
    for row in rows:
        parts = buckets.setdefault(row["bucket"], {})
        parts[row[key] or ""] = parts.get(row[key] or "", Decimal(0)) + row["total"]
    return [
        {"start": moment, "amount": sum(parts.values(), Decimal(0)), "parts": parts}
        for moment, parts in sorted(buckets.items())
    ]
