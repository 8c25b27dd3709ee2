"""A real background worker killed in the middle of a simulated provisioning, then started again (issue 12).

The worker (`manage.py db_worker`, on the database task queue) runs a network's provisioning on a file SQLite
database, sped up so that the whole plan takes about six seconds. It is SIGKILLed while a stage is under way:
the operation stays where it was (nothing moves it), and a new worker carries it on from the database to
`succeeded`, with every resource done and the network active.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SETUP = """
from localplatform.identity.services import directory
from localplatform.infra import connections, networks
user = directory.create_user("owner@acme.test", "correct-horse-battery", "Olivia", "Owner", email_verified=True)
org, owner = directory.create_organization("Acme Analytics", user)
account = connections.create_connection(org, owner, name="Prod", region="us-east-1", account_id="123456789012")
connections.verify_connection(account, owner)
network = networks.create_network(account, owner, name="main")
operation = networks.provision_network(network, owner)
print(network.id, operation.id)
"""


def manage(env: dict, *args: str, timeout: int = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def worker(env: dict) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def row(database: Path, sql: str, *args):
    with sqlite3.connect(database, timeout=5) as connection:
        return connection.execute(sql, args).fetchone()


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_leaves_the_operation_where_it_was_and_the_next_one_finishes_it(tmp_path):
    database = tmp_path / "worker.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAKESAIL_")}
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{database}",
        LAKESAIL_SIM_SPEED="30",  # the network's 195 simulated seconds in 6.5
        LAKESAIL_DEMO_PASSWORD="demo-password-long-enough",
    )
    manage(env, "migrate", "-v", "0")
    network_id, operation_id = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1].split()
    stage = "SELECT status, stage_index FROM infra_operation WHERE id = ?"

    first = worker(env)
    try:
        wait_for(lambda: row(database, stage, operation_id) >= ("running", 2), 30, "the subnets stage to end")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    status, reached = row(database, stage, operation_id)
    assert status == "running" and reached < 5  # killed mid-way: the last stage is index 4
    time.sleep(1.5)
    assert row(database, stage, operation_id) == (status, reached)  # nothing moves it while no worker runs

    second = worker(env)
    try:
        wait_for(lambda: row(database, stage, operation_id)[0] != "running", 30, "the operation to end")
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=15)[0]
    assert row(database, stage, operation_id) == ("succeeded", 5)
    assert row(database, "SELECT status FROM infra_network WHERE id = ?", network_id) == ("active",)
    states = row(database, "SELECT resource_states FROM infra_operation WHERE id = ?", operation_id)[0]
    assert states.count('"succeeded"') == 13 and '"pending"' not in states and '"running"' not in states
    assert "Traceback" not in output


def test_starting_a_worker_queues_the_unfinished_operations_no_step_is_waiting_for(cast):
    """A step a killed worker was running stays "running" in the queue: `resume` queues a new one (only then)."""
    from django.tasks.base import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from localplatform.infra import simulation
    from localplatform.infra.management.commands.db_worker import resume
    from localplatform.infra.tasks import advance_operation
    from tests.localplatform.test_operations import PLAN

    def queued(operation_id, status):
        DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [operation_id], "kwargs": {}},
            task_path=advance_operation.module_path,
            backend_name="default",
            run_after=timezone.now(),
        )

    dropped = simulation.start(cast.org, None, "network.provision", "network", "NET1", PLAN)
    waiting = simulation.start(cast.org, None, "network.provision", "network", "NET2", PLAN)
    queued(dropped.id, TaskResultStatus.RUNNING)  # its worker died in the middle of it
    queued(waiting.id, TaskResultStatus.READY)
    assert resume() == [dropped.id]
