"""Background work of the infrastructure area, on Django's tasks framework (`manage.py db_worker` runs it)."""

from django.tasks import task


@task()
def advance_operation(operation_id: str) -> str:
    """One step of a simulated operation; the next is queued for when it is due."""
    from localplatform.infra import simulation
    from localplatform.infra.models import Operation

    due = simulation.advance(operation_id)
    if due is not None:
        simulation.schedule(operation_id, due)
    return Operation.objects.values_list("status", flat=True).get(pk=operation_id)
