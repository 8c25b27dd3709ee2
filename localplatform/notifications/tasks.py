"""Background work of the notifications area, on Django's tasks framework (`manage.py db_worker` runs it)."""

from django.tasks import task


@task()
def deliver(delivery_id: str, attempts: int | None = None) -> str:
    """One delivery attempt (if the delivery has made `attempts` so far); a failure queues the next one."""
    from localplatform.notifications import pipeline

    return pipeline.attempt(delivery_id, attempts)


@task()
def recover() -> int:
    """Deliveries left `delivering` by a process that stopped: their attempt is recorded as failed."""
    from localplatform.notifications import pipeline

    return pipeline.recover_stuck()
