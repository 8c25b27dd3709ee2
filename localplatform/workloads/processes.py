"""Start, watch and stop the runner processes of the local platform's workloads.

Each Spark Connect session and each Marimo notebook runs as one runner process
(`localplatform.workloads.runner`). This module is what the platform uses to manage them.
It imports neither Django nor the rest of the platform, so the runner can use it too.

A runner dies with the process that spawned it: it sets PR_SET_PDEATHSIG itself, then
checks that its parent is still the spawner. (We do not use `preexec_fn` here because it
is not safe in a process with threads, and the platform has threads.) The signal is tied
to the spawning *thread*, so spawn from a long-lived thread.
"""

import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

RUNNER_MODULE = "localplatform.workloads.runner"
MARKER = "LAKESAIL_RUNNER"
PARENT = "LAKESAIL_RUNNER_PARENT"
REPOSITORY = Path(__file__).resolve().parents[2]
PR_SET_PDEATHSIG = 1

# Popen objects of the runners this process spawned, so their exit status is collected
# (no zombies) and `alive` can tell a dead child from a live one.
_children: dict[int, subprocess.Popen] = {}


def die_with_parent(expected_parent: int) -> None:
    """Ask Linux to SIGTERM this process when its parent dies; exit now if it already has."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != expected_parent:
        sys.exit(1)


def spawn(directory: Path, spec: dict) -> int:
    """Start a runner for `spec` working in `directory`; return its pid."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("state.json", "activity"):
        (directory / name).unlink(missing_ok=True)
    env = {**os.environ, MARKER: str(spec["id"]), PARENT: str(os.getpid())}
    with open(directory / "runner.out", "ab") as out:
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            [sys.executable, "-m", RUNNER_MODULE, str(directory)],
            cwd=REPOSITORY,
            env=env,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _children[process.pid] = process
    # The spec holds secret values: it goes through the pipe, never to disk.
    assert process.stdin is not None  # stdin=PIPE
    process.stdin.write(json.dumps(spec).encode())
    process.stdin.close()
    return process.pid


def wait_ready(directory: Path, pid: int, timeout: float = 90) -> dict:
    """Wait for the runner's state.json; return it, or {"error": ...} if it failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _read_state(directory)
        if state is not None:
            if "error" in state:
                stop(pid)  # it exits on its own after an error; collect it
            return state
        if not alive(pid):
            state = _read_state(directory)  # it may have written an error and exited
            if state is not None:
                return state
            return {"error": f"The runner exited with code {_exit_code(pid)}: {_last_line(directory / 'runner.out')}"}
        time.sleep(0.1)
    stop(pid)
    return {"error": f"The runner did not start within {timeout:g} s."}


def alive(pid: int) -> bool:
    """True while the process runs (a zombie counts as dead)."""
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def stop(pid: int, timeout: float = 10) -> None:
    """SIGTERM the process, then SIGKILL it after `timeout` seconds; fine if it is gone."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        if not alive(pid):
            break
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    child = _children.pop(pid, None)
    if child is not None and child.poll() is None:
        child.wait(5)


def last_activity(directory: Path) -> float | None:
    """When Spark traffic last went through the runner's gRPC endpoint (a timestamp)."""
    try:
        return (directory / "activity").stat().st_mtime
    except FileNotFoundError:
        return None


def running_runners() -> list[int]:
    """Pids of the runner processes on this machine (their children are not counted)."""
    return [pid for pid in marked_processes() if RUNNER_MODULE.encode() in _proc_file(pid, "cmdline")]


def marked_processes() -> list[int]:
    """Pids of live processes carrying the runner marker: runners and what they started."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            pid = int(entry.name)
            environ = _proc_file(pid, "environ").split(b"\0")
            if any(item.startswith(MARKER.encode() + b"=") for item in environ) and alive(pid):
                pids.append(pid)
    return pids


def reap(pids: list[int] | None = None) -> int:
    """Stop the given runners, or all of this machine's; return how many were stopped."""
    pids = running_runners() if pids is None else pids
    for pid in pids:
        stop(pid)
    return len(pids)


def _proc_file(pid: int, name: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{name}").read_bytes()
    except OSError:  # gone, or not ours
        return b""


def _read_state(directory: Path) -> dict | None:
    try:
        return json.loads((directory / "state.json").read_text())
    except (FileNotFoundError, ValueError):
        return None


def _exit_code(pid: int) -> int | None:
    child = _children.get(pid)
    return None if child is None else child.poll()


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except FileNotFoundError:
        return ""
    return lines[-1] if lines else ""
