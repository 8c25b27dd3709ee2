"""Background work of the workloads area, on Django's tasks framework (`manage.py db_worker` runs it).

Runners are spawned only here, in the worker, so their parent process outlives the request that asked for them.
"""

from datetime import timedelta

from django.tasks import default_task_backend, task
from django.utils import timezone

WATCH_EVERY = timedelta(seconds=5)


@task()
def launch_session(session_id: str) -> None:
    """Start the runner of a pending session or of a starting notebook's session."""
    from localplatform.workloads import lifecycle

    lifecycle.launch(session_id)
    schedule_watch()


@task()
def teardown_notebook(notebook_id: str) -> None:
    from localplatform.workloads import lifecycle

    lifecycle.teardown(notebook_id)


@task()
def stop_runner(pid: int) -> None:
    """The asynchronous clean-up of a closed session (§3.19.4)."""
    from localplatform.workloads import processes

    processes.stop(pid)


@task()
def watch_workloads() -> int:
    """Move every live session and notebook on; again in a few seconds while any is live."""
    from localplatform.workloads import lifecycle

    live = lifecycle.watch()
    if live:
        schedule_watch(after=WATCH_EVERY)
    return live


def schedule_watch(after: timedelta | None = None) -> None:
    """Queue one watch, unless one is already waiting (a backend that cannot wait leaves it to reads)."""
    if not default_task_backend.supports_defer:
        return
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=watch_workloads.module_path)
    if not waiting.exists():
        watch_workloads.using(run_after=timezone.now() + (after or timedelta(0))).enqueue()
