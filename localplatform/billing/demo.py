"""Demo billing for `manage.py seed_demo`: 60 days of recorded usage, metered by the same code as live usage.

The history is closed Spark Connect sessions and notebook runs of the demo's compute profiles: busy on weekdays
from mid-morning to early evening, quiet at weekends, from two teams. One submission was refused by the
marketplace (simulated) three days ago. Everything is deterministic for a given organization.
"""

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from localplatform.billing import metering
from localplatform.billing.models import BillableAccount
from localplatform.identity.models import Member, Organization
from localplatform.ids import new_id
from localplatform.workloads import configs
from localplatform.workloads.models import Notebook, Session, Usage, WorkloadConfig

DAYS = 60


def seed(organization: Organization, owner: Member, count: Callable[[str], None]) -> None:
    """Record and meter the history once (idempotent: skipped when the local account has windows)."""
    local = next(a for a in metering.accounts(organization) if a.cloud_account_id == metering.LOCAL_ACCOUNT)
    if local.windows.exists():
        return
    profiles = list(WorkloadConfig.objects.filter(organization=organization, anonymous=False).order_by("name"))
    if not profiles:
        return
    now = timezone.now()
    start = metering.hour_of(now) - timedelta(days=DAYS)
    BillableAccount.objects.filter(pk=local.pk).update(created_at=start)
    local.refresh_from_db()
    history(organization, owner, profiles, start, now)
    failed_at = metering.hour_of(now) - timedelta(days=3, hours=-11)
    hour = start
    with transaction.atomic():  # one commit for the 1,440 windows, not one each
        while hour + metering.HOUR <= now:
            if hour == failed_at:
                local.fail_next_submission = "The marketplace refused the record: the subscription was being renewed"
            metering.submit(metering.meter(local, hour), hour + metering.HOUR + timedelta(minutes=4))
            hour += metering.HOUR
    count("billing windows")


def history(organization, owner, profiles, start, now) -> None:
    """Closed sessions and notebook runs with their usage, from `start` to yesterday."""
    chance = random.Random(f"billing-demo/{organization.id}")  # noqa: S311 (demo data, not a secret)
    notebooks = list(Notebook.objects.filter(organization=organization))
    sessions, usage = [], []
    for day in range(DAYS):
        date = start + timedelta(days=day)
        weekday = date.weekday() < 5
        for _ in range(chance.randint(5, 9) if weekday else chance.randint(0, 2)):
            profile = chance.choice(profiles)
            began = date.replace(hour=chance.choice((8, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17)))
            began += timedelta(minutes=chance.randint(0, 59))
            ended = began + timedelta(minutes=chance.randint(15, 200))
            if ended >= now - timedelta(hours=1):
                continue
            vcpus, memory, gpus = configs.resources(profile)
            notebook = next((n for n in notebooks if n.workload_config_id == profile.id), None)
            if notebook is not None and chance.random() < 0.4:
                kind, workload_id, name, session = "notebook", notebook.id, notebook.name, None
            else:
                session = Session(
                    id=new_id(), organization=organization, name=f"session-{began:%Y%m%d-%H%M%S}",
                    status=Session.CLOSED, workload_config=profile, team_id=profile.team_id, member=owner,
                    cluster_id=profile.cluster_id, termination_reason="user_closed", created_at=began,
                    created_by=owner.id, closed_at=ended, last_activity_at=ended, compute_instance_id=new_id(),
                )  # fmt: skip
                sessions.append(session)
                kind, workload_id, name = "session", session.id, session.name
            usage.append(
                Usage(
                    organization=organization, workload_type=kind, workload_id=workload_id, workload_name=name,
                    session=session, team_id=profile.team_id, member=owner, cluster_id=profile.cluster_id,
                    workload_config=profile, vcpus=vcpus, memory_gib=memory, gpus=gpus, started_at=began,
                    ended_at=ended,
                )
            )  # fmt: skip
    Session.objects.bulk_create(sessions)
    Usage.objects.bulk_create(usage)
