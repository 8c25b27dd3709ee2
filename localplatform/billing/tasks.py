"""Metering in the background: every few minutes the worker meters and submits the hours that ended."""

from datetime import timedelta

from django.tasks import default_task_backend, task
from django.utils import timezone

EVERY = timedelta(minutes=5)


@task()
def meter_hours() -> int:
    """Meter every organization's complete hours not metered yet; again in a few minutes."""
    from localplatform.billing import metering
    from localplatform.identity.models import Organization

    done = sum(metering.meter_due(organization) for organization in Organization.objects.all())
    schedule(after=EVERY)
    return done


def schedule(after: timedelta | None = None) -> None:
    """Queue one metering pass, unless one is already waiting (a backend that cannot wait leaves it to reads)."""
    if not default_task_backend.supports_defer:
        return
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=meter_hours.module_path)
    if not waiting.exists():
        meter_hours.using(run_after=timezone.now() + (after or timedelta(0))).enqueue()
