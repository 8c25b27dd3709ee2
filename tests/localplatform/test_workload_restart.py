"""A real worker killed while a notebook starts: its processes go with it, and the next worker starts it again.

Runners die with the worker that spawned them (no orphans, whatever kills the worker); the new worker finds the
notebook still `starting` with no live runner and launches it again, so it never stays stuck (issue 13).
"""

import os
import signal
import time

from localplatform.workloads import processes
from tests.localplatform.test_worker_restart import manage, row, wait_for, worker

SETUP = """
from localplatform.identity.services import directory
from localplatform.identity.services import teams
from localplatform.identity.services.permissions import Access
from localplatform.infra import clusters
from localplatform.workloads import configs, notebooks
from localplatform.api.shapes.workloads import SailConfig
user = directory.create_user("owner@acme.test", "correct-horse-battery", "Olivia", "Owner", email_verified=True)
org, owner = directory.create_organization("Acme Analytics", user)
team = teams.create_team(org, "Data Platform", owner, "")
cluster = clusters.register_local_cluster(org, owner)
clusters.add_teams(cluster, [team.id])
access = Access.of(owner)
config = configs.create_config(org, access, name="Standard", team_id=team.id, cluster_id=cluster.id,
                               sail=SailConfig().model_dump())
notebook = notebooks.create_notebook(org, access, name="Revenue", config_id=config.id)
notebooks.start(notebook, access)
print(notebook.id)
"""


def runners_of(workload_id: str) -> list[int]:
    found = []
    for pid in processes.marked_processes():
        if f"{processes.MARKER}={workload_id}".encode() in processes._proc_file(pid, "environ"):
            found.append(pid)
    return found


def test_a_worker_killed_mid_start_leaves_no_process_and_the_next_one_starts_the_notebook(tmp_path):
    database = tmp_path / "worker.sqlite3"
    env = {key: value for key, value in os.environ.items() if not key.startswith("LAKESAIL_")}
    env.update(DEBUG="true", DATABASE_URL=f"sqlite:///{database}", LAKESAIL_WORKLOAD_DIR=str(tmp_path / "runs"),
               LAKESAIL_DEMO_PASSWORD="demo-password-long-enough")  # fmt: skip
    manage(env, "migrate", "-v", "0")
    notebook_id = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1]
    status = "SELECT status, pid FROM workloads_notebook WHERE id = ?"

    first = worker(env)
    try:
        wait_for(lambda: row(database, status, notebook_id)[1], 30, "the runner to be spawned")
        wait_for(lambda: runners_of(notebook_id), 10, "the runner's processes")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert row(database, status, notebook_id)[0] == "starting"
    wait_for(lambda: not runners_of(notebook_id), 15, "the runner to die with its worker")

    second = worker(env)
    try:
        wait_for(lambda: row(database, status, notebook_id)[0] == "running", 90, "the notebook to run")
        assert runners_of(notebook_id)
    finally:
        second.send_signal(signal.SIGTERM)
        output = second.communicate(timeout=30)[0]
    assert "Restarted 1 workload" in output and "Traceback" not in output
    time.sleep(0.5)
    wait_for(lambda: not runners_of(notebook_id), 15, "the runner to stop with the worker")
