"""The §2.10 lifecycles of sessions and notebooks, driven by their runner processes and the clock.

Everything here is a function of what is stored (statuses, timestamps, the runner's pid) and what the runner leaves in
its directory (state.json once it answers, the mtime of `activity` when Spark traffic flows). `refresh_*` moves a
record on to now; the worker calls it every few seconds (`watch`), and every read calls it too, so a status is never
older than the request that shows it. Runners are started and stopped only from tasks (the worker's main thread), so
a runner's parent is a long-lived process: when that process dies, its runners stop themselves.
"""

import hashlib
import hmac
import json
import secrets as random
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from localplatform.events import emit
from localplatform.workloads import configs, processes
from localplatform.workloads import secrets as secret_service
from localplatform.workloads.models import Notebook, Session, Usage

PRESENCE_SECONDS = 120  # a heartbeat (or an open, or the start) counts as presence this long (§2.10)
ACTIVITY_SECONDS = 300  # Spark traffic within this long makes a session active (§2.10)
START_TIMEOUT_SECONDS = 180
# A runner stops when the thread that spawned it ends (PR_SET_PDEATHSIG), and a task may run in a short-lived request
# thread (the in-process task backend): so every runner is spawned from this one thread, which lives with the process.
SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workload-spawner")


def seconds(value: float) -> timedelta:
    """A lifecycle duration, divided by LAKESAIL_WORKLOAD_TIME_SCALE (tests shorten the clock)."""
    return timedelta(seconds=value / settings.LAKESAIL_WORKLOAD_TIME_SCALE)


def directory(workload_id: str) -> Path:
    return Path(settings.LAKESAIL_WORKLOAD_DIR) / workload_id


def read_state(workload_id: str, pid: int | None) -> dict | None:
    """What runner `pid` wrote once it answered (or failed); None while it starts, or if the file is a past run's."""
    if pid is None:
        return None
    try:
        state = json.loads((directory(workload_id) / "state.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return state if state.get("pid") == pid else None


def last_activity(workload_id: str) -> datetime | None:
    mtime = processes.last_activity(directory(workload_id))
    return datetime.fromtimestamp(mtime, tz=timezone.get_current_timezone()) if mtime else None


def open_key(notebook: Notebook) -> str:
    """The HS256 key of a notebook run's open tokens: derived, so it is never stored, and new at every start."""
    material = f"notebook-open/{notebook.id}/{notebook.compute_instance_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).hexdigest()


def base_path(notebook: Notebook) -> str:
    return f"/notebooks/{notebook.id}"


def environment(config) -> dict[str, str]:
    """The config's environment for the runner, with secret values resolved (Revoked fails the start)."""
    sail = config.config["sail"]
    values = secret_service.resolve([v["secretId"] for v in sail["environment"] if v["source"] == "secret"])
    env = {v["name"]: v["value"] if v["source"] == "literal" else values[v["secretId"]] for v in sail["environment"]}
    env.update({f"SAIL_{k.upper().replace('.', '__')}": v for k, v in sail["settings"].items()})
    return env


# --- Starting ------------------------------------------------------------------------------------


def launch(session_id: str) -> None:
    """Start the runner of a pending session (and of its notebook, for a marimo session)."""
    session = Session.objects.select_related("workload_config", "notebook").filter(pk=session_id).first()
    if session is None or session.status != Session.PENDING or session.pid:
        return
    notebook = session.notebook if session.endpoint_type == "marimo" else None
    if notebook is not None and notebook.status != Notebook.STARTING:
        return
    try:
        env = environment(session.workload_config)
    except secret_service.Revoked as revoked:
        return _failed_start(session, notebook, str(revoked))
    spec: dict = {"kind": "notebook" if notebook else "session", "id": notebook.id if notebook else session.id}
    spec["env"] = env
    if notebook is not None:
        path = directory(notebook.id) / "notebook.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(notebook.source or starter(notebook))
        notebook.compute_instance_id = session.compute_instance_id
        spec |= {
            "notebookFile": str(path),
            "basePath": base_path(notebook),
            "openKey": open_key(notebook),
            "marimoToken": random.token_urlsafe(32),
        }
    pid = SPAWNER.submit(processes.spawn, directory(spec["id"]), spec).result()
    Session.objects.filter(pk=session.pk).update(pid=pid)
    if notebook is not None:
        Notebook.objects.filter(pk=notebook.pk).update(pid=pid, compute_instance_id=session.compute_instance_id)


def _failed_start(session: Session, notebook: Notebook | None, message: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        _end_session(session, Session.FAILED, "provisioning_failed", message, now)
        if notebook is not None:
            _notebook_failed(notebook, message, now)


def starter(notebook: Notebook) -> str:
    """A new notebook's first cells: Spark Connect to its own Sail session (SPARK_REMOTE is set by the runner)."""
    return STARTER.replace("{title}", notebook.name.replace('"', "'"))


STARTER = """import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo
    from pyspark.sql import SparkSession

    # SPARK_REMOTE points at this notebook's own Sail (Spark Connect) session.
    spark = SparkSession.builder.getOrCreate()
    mo.md("# {title}")
    return mo, spark


@app.cell
def _(spark):
    spark.sql("SELECT 1 + 1 AS two").toPandas()
    return


if __name__ == "__main__":
    app.run()
"""


# --- Moving on to now ----------------------------------------------------------------------------


def refresh_session(session: Session, now: datetime | None = None) -> Session:
    """A Spark Connect session at `now` (a marimo session moves with its notebook)."""
    if session.status not in Session.LIVE or session.endpoint_type != "spark_connect":
        return session
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update(of=("self",)).select_related("workload_config").get(pk=session.pk)
        if session.status in Session.LIVE:
            _step_session(session, now)
    return session


def _step_session(session: Session, now: datetime) -> None:
    if session.ready_at is None and not _came_up(session, now):
        return
    assert session.pid is not None and session.ready_at is not None  # it came up
    if not processes.alive(session.pid):
        return _end_session(session, Session.FAILED, "compute_lost", "The Sail server stopped unexpectedly.", now)
    seen = last_activity(session.id)
    if seen and seen > session.ready_at and (session.last_activity_at is None or seen > session.last_activity_at):
        session.last_activity_at = seen
        if session.status == Session.PENDING:
            emit_session(session, "session.active")
        session.status, session.idle_since = Session.ACTIVE, None
    last = session.last_activity_at
    if session.status == Session.ACTIVE and last is not None and now - last >= seconds(ACTIVITY_SECONDS):
        session.status, session.idle_since = Session.IDLE, last + seconds(ACTIVITY_SECONDS)
    idle_since = session.idle_since
    if session.status == Session.IDLE and idle_since and now - idle_since >= seconds(session.idle_timeout_seconds):
        return _end_session(session, Session.CLOSED, "idle_timeout", "Closed after its idle timeout.", now)
    session.save()


def _came_up(session: Session, now: datetime) -> bool:
    """Whether the pending session's runner answers now; fails it when the runner reported an error or died."""
    state = read_state(session.id, session.pid)
    if state and state.get("error"):
        _end_session(session, Session.FAILED, "provisioning_failed", state["error"], now)
        return False
    if state:
        session.ready_at, session.grpc_port, session.last_activity_at = now, state["grpcPort"], None
        session.status_message = None
        _start_usage(session, "session", session.id, session.name, now)
        session.save()
        return True
    if session.pid and not processes.alive(session.pid):
        _end_session(session, Session.FAILED, "provisioning_failed", "The Sail server exited while starting.", now)
    elif now - session.created_at > timedelta(seconds=START_TIMEOUT_SECONDS):
        _end_session(session, Session.FAILED, "provisioning_failed", "The Sail server did not start in time.", now)
    return False


def refresh_notebook(notebook: Notebook, now: datetime | None = None) -> Notebook:
    if notebook.status not in (Notebook.STARTING, *Notebook.UP):
        return notebook
    now = now or timezone.now()
    with transaction.atomic():
        notebook = (
            Notebook.objects.select_for_update(of=("self",))
            .select_related("session", "workload_config")
            .get(pk=notebook.pk)
        )
        if notebook.status == Notebook.STARTING:
            _step_starting(notebook, now)
        elif notebook.status in Notebook.UP:
            _step_up(notebook, now)
    return notebook


def _step_starting(notebook: Notebook, now: datetime) -> None:
    state = read_state(notebook.id, notebook.pid)
    if state and state.get("error"):
        return _start_failed(notebook, state["error"], now)
    if state:
        notebook.status, notebook.status_message = Notebook.RUNNING, None
        notebook.ready_at, notebook.http_port, notebook.grpc_port = now, state["httpPort"], state["grpcPort"]
        notebook.last_active_at, notebook.started_at = now, now
        notebook.save()
        session = notebook.session
        assert session is not None  # made by the start
        session.status, session.ready_at, session.grpc_port, session.http_port = (
            Session.ACTIVE, now, state["grpcPort"], state["httpPort"],
        )  # fmt: skip
        session.last_activity_at = now
        session.save()
        _start_usage(session, "notebook", notebook.id, notebook.name, now)
        emit_session(session, "session.active")
        emit_notebook(notebook, "notebook.running")
        return
    started = notebook.started_at or notebook.updated_at
    if notebook.pid and not processes.alive(notebook.pid):
        _start_failed(notebook, "The notebook server exited while starting.", now)
    elif now - started > timedelta(seconds=START_TIMEOUT_SECONDS):
        _start_failed(notebook, "The notebook server did not start in time.", now)


def _start_failed(notebook: Notebook, message: str, now: datetime) -> None:
    processes.stop(notebook.pid) if notebook.pid else None
    if notebook.session is not None:
        _end_session(notebook.session, Session.FAILED, "provisioning_failed", message, now)
    _notebook_failed(notebook, message, now)


def _notebook_failed(notebook: Notebook, message: str, now: datetime) -> None:
    notebook.status, notebook.status_message, notebook.pid = Notebook.FAILED, message, None
    notebook.updated_at = now
    notebook.save()
    emit_notebook(notebook, "notebook.failed", {"message": message})


def _step_up(notebook: Notebook, now: datetime) -> None:
    session, pid = notebook.session, notebook.pid
    if notebook.delete_requested:
        return begin_stop(notebook, "Deleted.", now)
    if session is None or pid is None or not processes.alive(pid):
        processes.stop(pid) if pid else None
        if session is not None:
            _end_session(session, Session.FAILED, "compute_lost", "The notebook server stopped unexpectedly.", now)
        notebook.session = None
        return _notebook_failed(notebook, "The notebook server stopped unexpectedly; start it again.", now)
    seen = last_activity(notebook.id)
    if seen and (session.last_activity_at is None or seen > session.last_activity_at):
        session.last_activity_at = seen
    computing = session.last_activity_at is not None and now - session.last_activity_at < seconds(ACTIVITY_SECONDS)
    session.status = Session.ACTIVE if computing else Session.IDLE
    session.idle_since = None if computing else (session.idle_since or now)
    session.save()
    present = notebook.last_active_at is not None and now - notebook.last_active_at < seconds(PRESENCE_SECONDS)
    if present:
        notebook.status = Notebook.RUNNING
    elif notebook.status == Notebook.RUNNING or notebook.status in (Notebook.IDLE, Notebook.DETACHED):
        notebook.status = Notebook.DETACHED if computing else Notebook.IDLE
    away = now - (notebook.last_active_at or now)
    if notebook.status == Notebook.IDLE and away >= seconds(notebook.idle_timeout_seconds):
        return begin_stop(notebook, "Stopped after its idle timeout.", now)
    if notebook.status == Notebook.DETACHED and away >= seconds(notebook.detached_timeout_seconds):
        return begin_stop(notebook, "Stopped after its detached timeout.", now)
    notebook.save()


# --- Stopping ------------------------------------------------------------------------------------


def begin_stop(notebook: Notebook, message: str | None, now: datetime | None = None) -> None:
    """running/idle/detached/failed -> stopping; the teardown task finishes it (§2.10)."""
    from localplatform.workloads.tasks import teardown_notebook

    notebook.status, notebook.status_message = Notebook.STOPPING, message
    notebook.updated_at = now or timezone.now()
    notebook.save()
    transaction.on_commit(lambda: teardown_notebook.enqueue(notebook.id))


def teardown(notebook_id: str) -> None:
    """Stop a stopping notebook's runner, keep its file, close its session; a deleted one goes for good."""
    with transaction.atomic():
        notebook = (
            Notebook.objects.select_for_update(of=("self",)).select_related("session").filter(pk=notebook_id).first()
        )
        if notebook is None or notebook.status != Notebook.STOPPING:
            return
        if notebook.pid:
            processes.stop(notebook.pid)
        path = directory(notebook.id) / "notebook.py"
        if path.exists():
            notebook.source = path.read_text()
        now = timezone.now()
        if notebook.session is not None and notebook.session.status in Session.LIVE:
            _end_session(notebook.session, Session.CLOSED, "notebook_stopped", None, now)
        notebook.status, notebook.session, notebook.pid, notebook.stopped_at = Notebook.STOPPED, None, None, now
        notebook.http_port = notebook.grpc_port = None
        notebook.updated_at = now
        if notebook.delete_requested:
            notebook.delete()
            return
        notebook.save()
        emit_notebook(notebook, "notebook.stopped", {"message": notebook.status_message})


def close_session(session: Session, reason: str, now: datetime | None = None) -> None:
    """closed at once; the runner is stopped after commit (§3.19.4: cleanup is async)."""
    from localplatform.workloads.tasks import stop_runner

    pid = session.pid
    _end_session(session, Session.CLOSED, reason, None, now or timezone.now(), stop=False)
    if pid:
        transaction.on_commit(lambda: stop_runner.enqueue(pid))


def _end_session(session: Session, status: str, reason: str, message: str | None, now: datetime,
                 *, stop: bool = True) -> None:  # fmt: skip
    """closed or failed, its usage ended; a Spark Connect session's runner stops here unless the caller defers it."""
    if stop and session.pid and session.endpoint_type == "spark_connect":
        processes.stop(session.pid)
    session.status, session.termination_reason, session.status_message = status, reason, message
    session.closed_at, session.idle_since = now, None
    session.save()
    Usage.objects.filter(session=session, ended_at__isnull=True).update(ended_at=now)
    emit_session(session, "session.closed" if status == Session.CLOSED else "session.failed")


def _start_usage(session: Session, kind: str, workload_id: str, name: str, now: datetime) -> None:
    vcpus, memory, gpus = configs.resources(session.workload_config)
    Usage.objects.create(
        organization_id=session.organization_id,
        workload_type=kind,
        workload_id=workload_id,
        workload_name=name,
        session=session,
        team_id=session.team_id,
        member_id=session.member_id,
        cluster_id=session.cluster_id,
        workload_config=session.workload_config,
        vcpus=vcpus,
        memory_gib=memory,
        gpus=gpus,
        started_at=now,
    )


# --- Events --------------------------------------------------------------------------------------


def emit_session(session: Session, kind: str) -> None:
    data = {
        "sessionId": session.id,
        "endpointType": session.endpoint_type,
        "status": session.status,
        "terminationReason": session.termination_reason,
        "teamId": session.team_id,
        "memberId": session.member_id,
    }
    emit(session.organization_id, kind, "session", session.id, session.name, data=data, team_ids=[session.team_id],
         owner_member_id=session.member_id)  # fmt: skip


def emit_notebook(notebook: Notebook, kind: str, extra: dict | None = None) -> None:
    from localplatform.workloads.notebooks import team_ids_of

    data = {"notebookId": notebook.id, "status": notebook.status, "memberId": notebook.member_id, **(extra or {})}
    emit(notebook.organization_id, kind, "notebook", notebook.id, notebook.name, data=data,
         team_ids=team_ids_of([notebook])[notebook.id], owner_member_id=notebook.member_id)  # fmt: skip


# --- The worker's watch --------------------------------------------------------------------------


def watch(now: datetime | None = None) -> int:
    """Move every live session and notebook on to now; returns how many are still live."""
    live = 0
    for session in Session.objects.filter(status__in=Session.LIVE, endpoint_type="spark_connect"):
        live += refresh_session(session, now).status in Session.LIVE
    for notebook in Notebook.objects.filter(status__in=[Notebook.STARTING, *Notebook.UP]):
        live += refresh_notebook(notebook, now).status in (Notebook.STARTING, *Notebook.UP)
    for notebook_id in Notebook.objects.filter(status=Notebook.STOPPING).values_list("id", flat=True):
        teardown(notebook_id)
    return live


def recover() -> list[str]:
    """After a worker restart: runners of the old worker stopped with it. Starts are redone; the rest ends."""
    from localplatform.workloads.tasks import launch_session

    redone = []
    for notebook in Notebook.objects.filter(status=Notebook.STARTING).select_related("session"):
        if notebook.pid and processes.alive(notebook.pid):
            continue
        Notebook.objects.filter(pk=notebook.pk).update(pid=None)
        if notebook.session is not None:
            Session.objects.filter(pk=notebook.session_id).update(pid=None)
            launch_session.enqueue(notebook.session.id)
            redone.append(notebook.id)
    for notebook in Notebook.objects.filter(status__in=Notebook.UP).exclude(pid=None):
        if notebook.pid and not processes.alive(notebook.pid):  # it went with the old worker: stopped, not failed
            with transaction.atomic():
                begin_stop(notebook, "Stopped when the local platform restarted; start it again.")
    for session in Session.objects.filter(status=Session.PENDING, endpoint_type="spark_connect", ready_at=None):
        if not (session.pid and processes.alive(session.pid)):
            Session.objects.filter(pk=session.pk).update(pid=None)
            launch_session.enqueue(session.id)
            redone.append(session.id)
    watch()
    return redone
