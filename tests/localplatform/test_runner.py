"""The workload runner, for real: Sail, Marimo and the notebook proxy on loopback ports.

No database: these tests start runner processes and talk to them over 127.0.0.1.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import httpx
import jwt
import pytest
from websockets.sync.client import connect

from localplatform.workloads import processes
from localplatform.workloads.proxy import allowed

# Every runner here has an id with this prefix, so the orphan check ignores anyone else's.
PREFIX = f"test-{uuid.uuid4().hex[:8]}-"
SITE_PACKAGES = Path(jwt.__file__).parents[1]

NOTEBOOK = """\
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo

    return (mo,)


@app.cell
def _():
    from pyspark.sql import SparkSession

    SparkSession.builder.getOrCreate().sql("select 40 + 2 as answer").collect()[0].answer
    return


if __name__ == "__main__":
    app.run()
"""


def ours() -> list[int]:
    """Live processes started by this module's runners, the runners included."""
    return marked_with(PREFIX)


def marked_with(prefix: str) -> list[int]:
    """Live processes whose runner marker starts with `prefix`."""
    marker = f"{processes.MARKER}={prefix}".encode()
    found = []
    for pid in processes.marked_processes():
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(item.startswith(marker) for item in environ):
            found.append(pid)
    return found


def wait_until(condition, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module", autouse=True)
def no_orphans():
    """After the module, nothing any of its runners started is left running."""
    yield
    assert wait_until(lambda: not ours(), timeout=10), f"left running: {ours()}"


@pytest.fixture
def start(tmp_path):
    """Spawn runners and wait for them; stop them all at the end, whatever happens."""
    pids = []

    def start(spec: dict) -> tuple[int, dict]:
        pid = processes.spawn(tmp_path / spec["id"], spec)
        pids.append(pid)
        return pid, processes.wait_ready(tmp_path / spec["id"], pid, timeout=60)

    yield start
    for pid in pids:
        processes.stop(pid)


def test_session_runs_spark_and_notes_activity(start, tmp_path):
    from pyspark.sql import SparkSession

    pid, state = start({"kind": "session", "id": f"{PREFIX}session", "env": {"LAKESAIL_TEST": "value"}})
    assert "error" not in state, state
    assert state["pid"] == pid and processes.alive(pid)
    assert processes.last_activity(tmp_path / f"{PREFIX}session") is None
    assert pid in processes.running_runners()

    spark = SparkSession.builder.remote(f"sc://127.0.0.1:{state['grpcPort']}").getOrCreate()
    try:
        assert spark.sql("select 1+1 as two").collect()[0].two == 2
    finally:
        spark.stop()  # before the server goes: the client retries for minutes otherwise
    assert processes.last_activity(tmp_path / f"{PREFIX}session") is not None

    with socket.create_connection(("127.0.0.1", state["grpcPort"])):  # a client still connected
        processes.stop(pid, timeout=5)
    assert not processes.alive(pid)
    assert not port_open(state["grpcPort"]) and not port_open(state["sailPort"])
    processes.stop(pid)  # again: nothing to do


def test_runner_dies_with_its_parent(tmp_path):
    spec = {"kind": "session", "id": f"{PREFIX}orphan", "env": {}}
    state = {}
    helper = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import json, sys, time
            from pathlib import Path
            from localplatform.workloads import processes
            pid = processes.spawn(Path({str(tmp_path)!r}), json.loads({json.dumps(spec)!r}))
            print(json.dumps(processes.wait_ready(Path({str(tmp_path)!r}), pid)), flush=True)
            time.sleep(60)
        """),
        ],
        cwd=processes.REPOSITORY,
        stdout=subprocess.PIPE,
    )
    try:
        state = json.loads(helper.stdout.readline())
        assert "error" not in state, state
        assert state["pid"] in processes.running_runners()
        helper.kill()
        helper.wait()
        assert wait_until(lambda: state["pid"] not in processes.running_runners(), timeout=5)
    finally:
        helper.kill()
        helper.wait()
        if "pid" in state:
            processes.stop(state["pid"])


def test_missing_dependency_is_reported(tmp_path):
    # A Python without site-packages, given pysail alone: marimo cannot be found.
    packages = tmp_path / "packages"
    packages.mkdir()
    (packages / "pysail").symlink_to(SITE_PACKAGES / "pysail")
    directory = tmp_path / "runner"
    directory.mkdir()
    spec = {"kind": "notebook", "id": f"{PREFIX}missing", "env": {}}
    finished = subprocess.run(
        [sys.executable, "-S", "-m", processes.RUNNER_MODULE, str(directory)],
        cwd=processes.REPOSITORY,
        env={"PYTHONPATH": f"{processes.REPOSITORY}:{packages}", "PATH": os.environ.get("PATH", "")},
        input=json.dumps(spec).encode(),
        capture_output=True,
        timeout=30,
    )
    assert finished.returncode == 1, finished.stderr
    error = json.loads((directory / "state.json").read_text())["error"]
    assert "'marimo'" in error and "not installed" in error


def test_wait_ready_reports_a_runner_that_died(tmp_path):
    pid = processes.spawn(tmp_path, {"id": f"{PREFIX}broken"})  # no kind: the runner cannot start
    try:
        state = processes.wait_ready(tmp_path, pid, timeout=30)
    finally:
        processes.stop(pid)
    assert state["error"].startswith("The runner exited with code 1: ")


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    """One notebook runner shared by the notebook tests (Marimo takes a moment to start)."""
    directory = tmp_path_factory.mktemp("notebook")
    (directory / "nb.py").write_text(NOTEBOOK)
    notebook_id = f"{PREFIX}notebook"
    spec = {
        "kind": "notebook",
        "id": notebook_id,
        "env": {"LAKESAIL_TEST_SECRET": "s3cret-value"},
        "notebookFile": str(directory / "nb.py"),
        "basePath": f"/notebooks/{notebook_id}",
        "openKey": secrets.token_hex(32),
        "marimoToken": secrets.token_urlsafe(24),
    }
    pid = processes.spawn(directory / "runner", spec)
    try:
        state = processes.wait_ready(directory / "runner", pid, timeout=60)
        assert "error" not in state, state
        yield spec, state, directory / "runner"
    finally:
        processes.stop(pid)
    assert not port_open(state["httpPort"]) and not port_open(state["marimoPort"])


def open_token(spec: dict, mode: str = "edit", expires_in: int = 60) -> str:
    claims = {
        "sub": spec["id"],
        "jti": uuid.uuid4().hex,
        "exp": int(time.time()) + expires_in,
        "mode": mode,
        "aud": "lakesail-notebook",
    }
    return jwt.encode(claims, bytes.fromhex(spec["openKey"]), algorithm="HS256")


def base_url(notebook) -> str:
    spec, state, _ = notebook
    return f"http://127.0.0.1:{state['httpPort']}{spec['basePath']}"


@contextmanager
def opened(notebook, mode: str = "edit"):
    """A client holding a notebook cookie of `mode`."""
    with httpx.Client(base_url=base_url(notebook), timeout=30) as client:
        answer = client.get("/__open", params={"token": open_token(notebook[0], mode)})
        assert answer.status_code == 302
        yield client


def test_open_tokens_are_checked_and_good_once(notebook):
    spec = notebook[0]
    with httpx.Client(base_url=base_url(notebook)) as client:
        assert client.get("/").status_code == 401
        token = open_token(spec)
        answer = client.get("/__open", params={"token": token})
        assert answer.status_code == 302
        assert answer.headers["location"] == f"{spec['basePath']}/"
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and f"Path={spec['basePath']}" in cookie and "SameSite=lax" in cookie

        again = client.get("/__open", params={"token": token})
        assert again.status_code == 403 and "already used" in again.text
        expired = client.get("/__open", params={"token": open_token(spec, expires_in=-60)})
        assert expired.status_code == 403 and "expired" in expired.text
        claims = {"sub": spec["id"], "jti": "x", "exp": time.time() + 60, "mode": "edit", "aud": "lakesail-notebook"}
        forged = jwt.encode(claims, secrets.token_bytes(32), algorithm="HS256")
        assert client.get("/__open", params={"token": forged}).status_code == 403


def test_the_page_loads_without_giving_away_marimo_token(notebook):
    spec = notebook[0]
    with opened(notebook) as client:
        page = client.get("/")
        assert page.status_code == 200 and "<html" in page.text
        assert spec["marimoToken"] not in page.text
        assert "set-cookie" not in page.headers and "x-frame-options" not in page.headers
        assert client.get("/auth/token").status_code == 403
    marimo_log = (notebook[2] / "marimo.log").read_text()
    assert spec["marimoToken"] not in marimo_log and "s3cret-value" not in marimo_log


def ws_url(notebook, session_id: str) -> str:
    return base_url(notebook).replace("http://", "ws://") + f"/ws?session_id={session_id}"


def test_edit_cookie_runs_code_through_the_websocket_session(notebook):
    directory = notebook[2]
    with opened(notebook) as client:
        cookie = f"lakesail_notebook={client.cookies['lakesail_notebook']}"
        with connect(ws_url(notebook, "s_edit"), additional_headers={"Cookie": cookie}) as ws:
            assert json.loads(ws.recv(timeout=30))["op"]  # marimo's first message (kernel-ready)
            code = 'import os\nfrom pyspark.sql import SparkSession\nprint(os.environ["SPARK_REMOTE"])\n'
            code += 'print(SparkSession.builder.getOrCreate().sql("select 6 * 7 as x").collect()[0].x)'
            answer = client.post("/api/kernel/execute", json={"code": code}, headers={"Marimo-Session-Id": "s_edit"})
    assert answer.status_code == 200, answer.text
    assert "42" in answer.text and "sc://127.0.0.1:" in answer.text
    assert processes.last_activity(directory) is not None  # the kernel's Spark traffic went through the forwarder


def test_allowed_paths_by_mode():
    """The proxy's rule, without a notebook: nobody gets /auth/, read-only gets GET views only."""
    assert not allowed("edit", "GET", "/auth/token") and not allowed("edit", "GET", "/auth")
    assert allowed("edit", "POST", "/api/kernel/run") and allowed("edit", "GET", "/terminal/ws")
    for method, path in [("GET", "/"), ("HEAD", "/"), ("GET", "/api/version"), ("GET", "/ws"), ("GET", "/@file/x")]:
        assert allowed("read_only", method, path), (method, path)
    for method, path in [
        ("POST", "/api/kernel/run"),
        ("GET", "/api/kernel/status"),
        ("GET", "/lsp/x"),
        ("GET", "/terminal/ws"),
        ("GET", "/ws_sync"),
        ("GET", "/public//api/files/x"),
        ("GET", "/public/../api/files/x"),
    ]:
        assert not allowed("read_only", method, path), (method, path)


def test_read_only_cookie_sees_but_cannot_run_or_save(notebook):
    with opened(notebook, "read_only") as client:
        assert client.get("/").status_code == 200
        cookie = f"lakesail_notebook={client.cookies['lakesail_notebook']}"
        with connect(ws_url(notebook, "s_read"), additional_headers={"Cookie": cookie}) as ws:
            assert json.loads(ws.recv(timeout=30))["op"]
        for path in ("/api/kernel/run", "/api/kernel/execute", "/api/kernel/instantiate", "/api/kernel/save"):
            assert client.post(path, json={}).status_code == 403, path
        assert client.get("/api/kernel/status").status_code == 403
        assert client.get("/api/version").status_code == 200
    with pytest.raises(Exception, match="403"):
        connect(ws_url(notebook, "s_read").replace("/ws?", "/terminal/ws?"), additional_headers={"Cookie": cookie})


def test_websocket_without_cookie_is_refused(notebook):
    with pytest.raises(Exception, match="403"):
        connect(ws_url(notebook, "s_none"))


def test_sigterm_stops_a_runner_cleanly(start, tmp_path):
    pid, _ = start({"kind": "session", "id": f"{PREFIX}quick", "env": {}})
    os.kill(pid, signal.SIGTERM)
    assert wait_until(lambda: not processes.alive(pid), timeout=5)
    assert "stopped sail" in (tmp_path / f"{PREFIX}quick" / "runner.log").read_text()


def test_reap_stops_the_given_runners(start):
    pid, _ = start({"kind": "session", "id": f"{PREFIX}reaped", "env": {}})
    assert processes.reap([pid]) == 1
    assert not processes.alive(pid)


def test_notebook_kernels_die_with_a_killed_runner(tmp_path):
    spec = {
        "kind": "notebook",
        "id": f"{PREFIX}killed",
        "env": {},
        "notebookFile": str(tmp_path / "nb.py"),
        "basePath": "/notebooks/killed",
        "openKey": secrets.token_hex(32),
        "marimoToken": secrets.token_urlsafe(24),
    }
    (tmp_path / "nb.py").write_text(NOTEBOOK)
    pid = processes.spawn(tmp_path / "runner", spec)
    try:
        state = processes.wait_ready(tmp_path / "runner", pid, timeout=60)
        assert "error" not in state, state
        notebook = (spec, state, tmp_path / "runner")
        with opened(notebook) as client:
            cookie = f"lakesail_notebook={client.cookies['lakesail_notebook']}"
            with connect(ws_url(notebook, "s_kernel"), additional_headers={"Cookie": cookie}) as ws:
                assert json.loads(ws.recv(timeout=30))["op"] == "kernel-ready"
                mine = marked_with(spec["id"])
                assert len(mine) >= 3  # the runner, marimo and the kernel
                os.kill(pid, signal.SIGKILL)
                assert wait_until(lambda: not marked_with(spec["id"]), timeout=10), marked_with(spec["id"])
    finally:
        processes.stop(pid)
