"""Billing windows: the list and a chart's worth of windows for 1, 60 and 365 days, through the real API, in-process.

    .venv/bin/python benchmarks/billing_windows.py            # about a minute
    .venv/bin/python benchmarks/billing_windows.py --runs 10

It builds a throwaway SQLite database in a temporary directory (never var/), creates an organization and its
Owner through the directory services, records 365 days of usage (a few sessions every weekday hour) and meters
every hour with the platform's own metering code. Then, for each range, with the Owner's bearer token, timed from
the client side (median of the runs):

- list: the first page of GET /billing/{account} for the range (the windows table, 50 a page);
- pages: every window of the range with usage, page after page of 100 (what a client without the extension reads);
- chart: GET /billing/{account}/costs by day and team (the extension the console's cost chart makes, one call).
Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RANGES = {"1 day": 1, "60 days": 60, "365 days": 365}


def configure(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "console.settings"
    import django

    django.setup()


def record_and_meter(organization, owner, days: int) -> tuple[str, int]:
    """`days` of weekday usage on this machine's cluster, metered hour by hour; returns (account, windows)."""
    from django.db import transaction
    from django.utils import timezone

    from localplatform.api.shapes.workloads import SailConfig
    from localplatform.billing import metering
    from localplatform.billing.models import BillableAccount
    from localplatform.identity.services import teams as team_service
    from localplatform.identity.services.permissions import Access
    from localplatform.infra import clusters
    from localplatform.workloads import configs
    from localplatform.workloads.models import Usage

    team = team_service.create_team(organization, "Data Platform", owner)
    cluster = clusters.register_local_cluster(organization, owner)
    clusters.add_teams(cluster, [team.id])
    config = configs.create_config(organization, Access.of(owner), name="Standard", team_id=team.id,
                                   cluster_id=cluster.id, sail=SailConfig.model_validate({}).model_dump())  # fmt: skip
    now = timezone.now()
    start = metering.hour_of(now) - timedelta(days=days)
    usage = []
    for hour in range(days * 24):
        moment = start + timedelta(hours=hour)
        if moment.weekday() < 5 and 8 <= moment.hour < 19:
            for n in range(3):
                usage.append(Usage(
                    organization=organization, workload_type="session", workload_id=f"S{hour:05d}{n}",
                    workload_name=f"session-{hour}-{n}", team=team, member=owner, cluster=cluster,
                    workload_config=config, vcpus=8, memory_gib=16, started_at=moment + timedelta(minutes=5 + n * 10),
                    ended_at=moment + timedelta(minutes=45 + n * 5),
                ))  # fmt: skip
    Usage.objects.bulk_create(usage, batch_size=2000)
    account = next(a for a in metering.accounts(organization) if a.cloud_account_id == metering.LOCAL_ACCOUNT)
    BillableAccount.objects.filter(pk=account.pk).update(created_at=start)
    account.refresh_from_db()
    hour = start
    with transaction.atomic():  # one commit, not one per window
        while hour + metering.HOUR <= now:
            metering.submit(metering.meter(account, hour), now)
            hour += metering.HOUR
    return account.cloud_account_id, account.windows.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed passes per range (default 5)")
    args = parser.parse_args()
    configure(Path(tempfile.mkdtemp(prefix="lakesail-bench-")) / "bench.sqlite3")

    import httpx
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.utils import timezone

    from localplatform.identity.services import directory

    call_command("migrate", verbosity=0)
    user = directory.create_user("owner@bench.test", "benchmark-password-1", "Olivia", "Bench", email_verified=True)
    organization, owner = directory.create_organization("Benchmark Analytics", user)
    began = time.perf_counter()
    account, windows = record_and_meter(organization, owner, max(RANGES.values()))
    print(f"metered {windows:,} hourly windows in {time.perf_counter() - began:.1f} s")

    client = httpx.Client(transport=httpx.WSGITransport(app=get_wsgi_application()), base_url="http://127.0.0.1")
    login = client.post("/api/v1/auth/login", json={"email": "owner@bench.test", "password": "benchmark-password-1"})
    headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
    path = f"/api/v1/billing/{account}"

    def pages(params: dict) -> int:
        found, marker = 0, None
        while True:
            body = client.get(path, params={**params, **({"marker": marker} if marker else {})}, headers=headers)
            assert body.status_code == 200, body.text
            data = body.json()
            found += len(data["items"])
            marker = data.get("marker")
            if not marker or params["limit"] == 50:
                return found

    print(
        f"{'range':<10} {'list (first 50) ms':>20} {'pages (all) ms':>16} {'chart (costs) ms':>18} {'with usage':>12}"
    )
    for label, days in RANGES.items():
        since = (timezone.now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        until = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        timings: dict[str, list[float]] = {"list": [], "pages": [], "chart": []}
        count = 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            pages({"from": since, "limit": 50})
            timings["list"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            count = pages({"from": since, "limit": 100})
            timings["pages"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            costs = client.get(f"{path}/costs", params={"from": since, "to": until, "by": "day"}, headers=headers)
            assert costs.status_code == 200, costs.text
            timings["chart"].append((time.perf_counter() - t0) * 1000)
        median = {kind: statistics.median(values) for kind, values in timings.items()}
        print(f"{label:<10} {median['list']:>20.1f} {median['pages']:>16.1f} {median['chart']:>18.1f} {count:>12,}")


if __name__ == "__main__":
    main()
