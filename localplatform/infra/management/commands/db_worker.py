"""`manage.py db_worker`, which first puts back in the queue what a dead worker dropped.

Workloads: a stopped worker took its runners with it (they die with their parent), so sessions and notebooks still
starting are started again, and those that were up end as the watch finds them (localplatform/workloads/lifecycle.py).

A worker killed while it runs a step leaves that step's task marked running forever, and the step would have
queued the next one: the operation would never move again without a poll. So before it starts taking tasks,
the worker queues a step for each unfinished operation that has none waiting; the step catches up from the
database (localplatform/infra/simulation.py), so the operation resumes exactly where its clock says it is.
"""

from django.tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from localplatform.billing import tasks as billing_tasks
from localplatform.infra import simulation
from localplatform.infra.models import Operation
from localplatform.infra.tasks import advance_operation
from localplatform.workloads import lifecycle
from localplatform.workloads.tasks import schedule_watch


def resume() -> list[str]:
    """Queue a step for every unfinished operation that has no step waiting; returns their ids."""
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=advance_operation.module_path)
    queued = {row.args_kwargs.get("args", [None])[0] for row in waiting.only("args_kwargs")}
    unfinished = Operation.objects.exclude(status__in=[Operation.SUCCEEDED, Operation.FAILED])
    resumed = [op_id for op_id in unfinished.values_list("id", flat=True) if op_id not in queued]
    for operation_id in resumed:
        simulation.schedule(operation_id)
    return resumed


class Command(DatabaseWorker):
    help = DatabaseWorker.help + " (first resuming simulated operations a stopped worker left behind)"

    def handle(self, *args, **options):
        resumed = resume()
        if resumed:
            self.stdout.write(f"Resumed {len(resumed)} simulated operation(s): {', '.join(resumed)}")
        restarted = lifecycle.recover()
        if restarted:
            self.stdout.write(f"Restarted {len(restarted)} workload(s) a stopped worker left starting")
        schedule_watch()
        billing_tasks.schedule()
        return super().handle(*args, **options)
