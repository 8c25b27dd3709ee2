"""The simulated AWS (contract §7): Operations that move through their stages on a clock.

Every change of a simulated resource is an Operation (localplatform/infra/models.py) with a plan: stages in
order, each lasting a number of seconds and creating, updating or deleting resources. `advance()` moves an
operation on to now: a stage whose time is up completes (its resources succeed, or stay unchanged), the next
one starts where it ended, and the last one ending makes the operation succeed. A stage named as the
operation's `fail_stage` fails halfway through instead: its first resource fails and so does the operation,
with an Error object that names the stage. `LAKESAIL_SIM_SPEED` divides every duration (tests and demos run
the same plans faster).

Everything `advance()` needs is in the database, and stages are timed from where the previous one ended, not
from when the worker noticed: after a crash or a restart the next `advance()` catches up exactly, so an
operation never hangs. It runs from the background worker (each step queues the next at the time it is due)
and from GET /operations/{id}, whose pollers therefore see an operation move even while no worker runs.

When an operation ends, the finisher registered for its kind (`@finisher("network.provision")`) updates the
resource it acted on, in the same transaction.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from localplatform.infra.models import Operation

Finisher = Callable[[Operation], None]
FINISHERS: dict[str, Finisher] = {}

SUMMARY_KEYS = ("pending", "running", "succeeded", "failed", "unchanged")


def finisher(kind: str) -> Callable[[Finisher], Finisher]:
    """Registers what ending an operation of `kind` does to its resource (succeeded or failed: see op.status)."""

    def register(function: Finisher) -> Finisher:
        FINISHERS[kind] = function
        return function

    return register


def speed() -> float:
    return max(float(settings.LAKESAIL_SIM_SPEED), 0.001)


def start(
    organization,
    member,
    kind: str,
    resource_type: str,
    resource_id: str,
    plan: list[dict],
    *,
    fail_stage=None,
    fail_message=None,
) -> Operation:
    """A new pending operation, queued for the worker once the caller's transaction commits."""
    states = [{"status": "pending", "duration": 0} for stage in plan for _ in stage["resources"]]
    operation = Operation.objects.create(
        organization=organization,
        member=member,
        operation=kind,
        resource_type=resource_type,
        resource_id=resource_id,
        plan=plan,
        resource_states=states,
        fail_stage=fail_stage,
        fail_message=fail_message,
    )
    transaction.on_commit(lambda: schedule(operation.id))
    return operation


def schedule(operation_id: str, at: datetime | None = None) -> None:
    """Queue the operation's next step (now, or at `at` where the task backend can wait)."""
    from localplatform.infra.tasks import advance_operation

    if at is None:
        advance_operation.enqueue(operation_id)
    elif default_task_backend.supports_defer:
        advance_operation.using(run_after=at).enqueue(operation_id)
    # A backend that cannot wait (the in-process one of the tests) leaves it to the next poll or call.


def advance(operation_id: str, now: datetime | None = None) -> datetime | None:
    """Move the operation on to `now`; returns when its next step is due, or None once it has ended."""
    now = now or timezone.now()
    with transaction.atomic():
        operation = Operation.objects.select_for_update().get(pk=operation_id)
        if operation.finished:
            return None
        if operation.status == Operation.PENDING:
            operation.status, operation.started_at, operation.stage_started_at = Operation.RUNNING, now, now
            if operation.plan:
                _set_stage(operation, "running")
        due = _catch_up(operation, now)
        operation.updated_at = now
        operation.save()
        if operation.finished and operation.operation in FINISHERS:
            FINISHERS[operation.operation](operation)
    return due


def _catch_up(operation: Operation, now: datetime) -> datetime | None:
    """Complete every stage whose time is up; returns when the stage under way is due."""
    while operation.stage_index < len(operation.plan):
        stage = operation.plan[operation.stage_index]
        began = operation.stage_started_at or now
        length = timedelta(seconds=stage["seconds"] / speed())
        if stage["stage"] == operation.fail_stage:
            fails_at = began + length / 2
            if now < fails_at:
                return fails_at
            _fail(operation, stage, fails_at)
            return None
        ends = began + length
        if now < ends:
            return ends
        _set_stage(operation, "done", seconds=length.total_seconds())
        operation.stage_index += 1
        operation.stage_started_at = ends
        if operation.stage_index < len(operation.plan):
            _set_stage(operation, "running")
    operation.status, operation.completed_at = Operation.SUCCEEDED, operation.stage_started_at
    return None


def _fail(operation: Operation, stage: dict, at: datetime) -> None:
    """The stage's first resource fails halfway through it, and the operation with it (an Error that names it)."""
    first, resources = _stage_offset(operation), stage["resources"]
    failed = None
    if resources:
        began = operation.stage_started_at or at
        operation.resource_states[first] = {"status": "failed", "duration": round((at - began).total_seconds())}
        for index in range(1, len(resources)):
            operation.resource_states[first + index]["status"] = "pending"
        failed = resources[0]["urn"]
    message = operation.fail_message or f"The {stage['stage']} stage failed (simulated)."
    operation.status, operation.completed_at = Operation.FAILED, at
    operation.error = {
        "code": "operation_failed",
        "message": message,
        "errorType": "internal",
        "details": {"retryable": True, "retryAfter": None, "fieldErrors": {}, "requestId": "", "causedBy": failed},
    }


def _stage_offset(operation: Operation) -> int:
    return sum(len(stage["resources"]) for stage in operation.plan[: operation.stage_index])


def _set_stage(operation: Operation, state: str, seconds: float = 0) -> None:
    """Mark the resources of the stage under way as running, or as done (succeeded, or unchanged for "same")."""
    first = _stage_offset(operation)
    for index, resource in enumerate(operation.plan[operation.stage_index]["resources"]):
        entry = operation.resource_states[first + index]
        if state == "running":
            entry["status"] = "running"
        else:
            entry["status"] = "unchanged" if resource["operation"] == "same" else "succeeded"
            entry["duration"] = round(seconds)


def stage_name(operation: Operation) -> str:
    """The stage under way, or the one the operation ended in."""
    return operation.plan[min(operation.stage_index, len(operation.plan) - 1)]["stage"] if operation.plan else ""


def progress(operation: Operation, now: datetime | None = None) -> dict | None:
    """The Operation's `progress` (§2.5): the stage under way (or where it ended), every resource, a summary."""
    if not operation.plan:
        return None
    now = now or timezone.now()
    index = min(operation.stage_index, len(operation.plan) - 1)
    stage = operation.plan[index]
    if operation.status == Operation.FAILED:
        message = operation.error["message"] if operation.error else stage["message"]
    elif operation.status == Operation.SUCCEEDED:
        message = "Done."
    else:
        message = stage["message"]
    resources = []
    states = iter(operation.resource_states)
    for stage_entry in operation.plan:
        for resource in stage_entry["resources"]:
            state = next(states)
            duration = state["duration"]
            if state["status"] == "running" and operation.stage_started_at:
                duration = max(0, round((now - operation.stage_started_at).total_seconds()))
            resources.append({**resource, "status": state["status"], "duration": duration})
    summary = {key: sum(1 for r in resources if r["status"] == key) for key in SUMMARY_KEYS}
    return {
        "stage": stage["stage"],
        "message": message,
        "resources": resources,
        "summary": {"total": len(resources), **summary},
    }


def inject_failure(resource, stage: str, message: str | None = None) -> None:
    """Make the resource's next operation fail at `stage` (for a connection: the verification check of that name).

    For tests and the demo only; no API operation sets it. It applies once: `start_for` clears it."""
    resource.sim_fail_stage, resource.sim_fail_message = stage, message
    resource.save(update_fields=["sim_fail_stage", "sim_fail_message"])


def start_for(resource, member, kind: str, resource_type: str, plan: list[dict]) -> Operation:
    """`start` an operation on a Simulated resource, taking (and clearing) the failure injected into it."""
    fail_stage, fail_message = resource.sim_fail_stage, resource.sim_fail_message
    if fail_stage:
        resource.sim_fail_stage = resource.sim_fail_message = None
        resource.save(update_fields=["sim_fail_stage", "sim_fail_message"])
    return start(
        resource.organization,
        member,
        kind,
        resource_type,
        resource.id,
        plan,
        fail_stage=fail_stage,
        fail_message=fail_message,
    )
