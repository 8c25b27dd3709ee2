"""Background work of the notifications area, on Django's tasks framework (`manage.py db_worker` runs it)."""

from django.tasks import task


@task()
def deliver(delivery_id: str) -> str:
    """One delivery attempt; a failed attempt enqueues the next one after the configured delay."""
    from localplatform.notifications import pipeline

    return pipeline.attempt(delivery_id)
