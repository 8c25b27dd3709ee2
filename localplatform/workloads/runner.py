"""One Spark Connect session or Marimo notebook of the local platform, as one process.

`python -m localplatform.workloads.runner <directory>`, with the workload's spec as JSON on
stdin (it holds secret values, so it never touches disk):

    {"kind": "session" | "notebook", "id": "...", "env": {"NAME": "value", ...},
     # notebooks only:
     "notebookFile": "/abs/path.py", "basePath": "/notebooks/<id>",
     "openKey": "<hex HS256 key of the open tokens>", "marimoToken": "<marimo's password>"}

It runs Sail in-process behind a TCP forwarder (the session's public gRPC endpoint, which
touches `<directory>/activity` when Spark traffic flows), and for a notebook also Marimo and
an HTTP/WebSocket proxy in front of it (`NotebookProxy`, in proxy.py). When everything answers it
writes `<directory>/state.json`: {"pid", "grpcPort", "sailPort"} plus {"httpPort",
"marimoPort"} for a notebook, or {"error": "..."} if it could not start.

This module imports neither Django nor the rest of the platform: it runs on its own. What
comes with Marimo (Starlette, uvicorn, websockets) is imported where it is used, after the
dependency check, so a missing package is reported rather than crashing the import.
"""

import asyncio
import contextlib
import importlib.util
import json
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from localplatform.workloads.processes import PARENT, die_with_parent
from localplatform.workloads.proxy import NotebookProxy

if TYPE_CHECKING:
    from pysail.spark import SparkConnectServer

log = logging.getLogger("runner")

# Runs `python -m marimo ...` in a process that dies with the runner. Marimo's own argv
# follows the expected parent pid. (`preexec_fn` would do the same, but it is not safe in a
# process with threads, and Sail's are running by then.)
MARIMO_BOOTSTRAP = (
    "import ctypes, os, runpy, signal, sys\n"
    "ctypes.CDLL(None).prctl(1, signal.SIGTERM)\n"
    "if os.getppid() != int(sys.argv.pop(1)): sys.exit(1)\n"
    "runpy.run_module('marimo', run_name='__main__', alter_sys=True)\n"
)


class RunnerError(Exception):
    """A reason the workload cannot start, shown to the user as is."""


def missing_dependency(kind: str) -> str | None:
    """Say which Python package this kind of workload needs and lacks, if any."""
    needed = ["pysail"] + (["marimo"] if kind == "notebook" else [])
    for package in needed:
        if importlib.util.find_spec(package) is None:
            return f"A {kind} needs the Python package '{package}', which is not installed."
    return None


def write_state(directory: Path, state: dict) -> None:
    """Write state.json atomically, so the platform never reads half of it."""
    temporary = directory / "state.json.tmp"
    temporary.write_text(json.dumps({"pid": os.getpid(), **state}))  # the pid tells this run's state from a stale one
    os.replace(temporary, directory / "state.json")


def listening_socket() -> socket.socket:
    """A socket listening on a free loopback port."""
    return socket.create_server(("127.0.0.1", 0))


def free_port() -> int:
    """A loopback port that was free a moment ago (for servers we cannot hand a socket)."""
    with listening_socket() as sock:
        return sock.getsockname()[1]


class Activity:
    """Touches the activity file when Spark traffic flows, at most once a second."""

    def __init__(self, path: Path):
        self.path = path
        self.last = 0.0

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self.last >= 1:
            self.last = now
            self.path.touch()


async def start_forwarder(sail_port: int, activity: Activity) -> asyncio.Server:
    """Forward a free loopback port to Sail, noting activity whenever bytes flow."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                activity()
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def connect(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            sail_reader, sail_writer = await asyncio.open_connection("127.0.0.1", sail_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, sail_writer), pipe(sail_reader, client_writer))

    return await asyncio.start_server(connect, sock=listening_socket())


class Marimo:
    """The notebook's Marimo server, a child process in its own process group."""

    def __init__(self, spec: dict, directory: Path, grpc_port: int):
        self.spec = spec
        self.log_path = directory / "marimo.log"
        self.grpc_port = grpc_port
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None
        self.copy_task: asyncio.Task[None] | None = None
        # Marimo prints its URL with the token in it; the log must not keep secrets.
        self.secrets = [spec["marimoToken"], *(value for value in spec["env"].values() if len(value) >= 4)]

    async def start(self) -> None:
        """Start Marimo and wait until it answers its health check."""
        notebook = Path(self.spec["notebookFile"])
        env = {**os.environ, **self.spec["env"], "SPARK_REMOTE": f"sc://127.0.0.1:{self.grpc_port}"}
        self.process = process = await asyncio.create_subprocess_exec(
            *[sys.executable, "-c", MARIMO_BOOTSTRAP, str(os.getpid()), "edit", str(notebook)],
            *["--headless", "--host", "127.0.0.1", "--port", str(self.port), "--base-url", self.spec["basePath"]],
            *["--token-password-file", "-", "--skip-update-check", "--no-sandbox"],
            cwd=notebook.parent,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        log.info("started marimo (pid %s) on port %s", process.pid, self.port)
        # The password goes through a pipe: on the command line, any local user could read it.
        assert process.stdin is not None  # stdin=PIPE
        process.stdin.write(self.spec["marimoToken"].encode())
        process.stdin.close()
        self.copy_task = asyncio.create_task(self.copy_output())
        await self.wait_healthy(timeout=60)

    async def copy_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None  # started, stdout=PIPE
        stdout = self.process.stdout
        with open(self.log_path, "a") as out:
            while line := await stdout.readline():
                text = line.decode(errors="replace")
                for secret in self.secrets:
                    text = text.replace(secret, "***")
                out.write(text)
                out.flush()

    async def wait_healthy(self, timeout: float) -> None:
        import httpx

        url = f"http://127.0.0.1:{self.port}{self.spec['basePath']}/health"
        assert self.process is not None  # started
        process = self.process
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline and process.returncode is None:
                try:
                    if (await client.get(url)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        await asyncio.sleep(0.2)  # let the last lines reach the log
        tail = " ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-5:]) or "no output"
        raise RunnerError(f"Marimo did not start: {tail}")

    async def stop(self) -> None:
        """SIGTERM Marimo, then after 5 s SIGKILL whatever is left of its group (its kernels too)."""
        if self.process is None:
            return
        if self.process.returncode is None:
            self.process.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), 5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        await self.process.wait()
        log.info("stopped marimo")


class Runner:
    """Everything one workload runs, started in order and stopped in reverse."""

    def __init__(self, directory: Path, spec: dict):
        self.directory = directory
        self.spec = spec
        self.sail: SparkConnectServer | None = None
        self.forwarder: asyncio.Server | None = None
        self.marimo: Marimo | None = None
        self.proxy: NotebookProxy | None = None

    async def run(self) -> None:
        """Start the workload, report its ports, and serve until told to stop."""
        from pysail.spark import SparkConnectServer

        os.environ.update(self.spec["env"])  # Sail reads its settings from the environment
        self.sail = sail = SparkConnectServer(ip="127.0.0.1", port=0)
        sail.start(background=True)
        sail_port = sail.listening_address[1]
        log.info("started sail on port %s", sail_port)
        self.forwarder = await start_forwarder(sail_port, Activity(self.directory / "activity"))
        grpc_port = self.forwarder.sockets[0].getsockname()[1]
        log.info("forwarding port %s to sail", grpc_port)
        state = {"pid": os.getpid(), "grpcPort": grpc_port, "sailPort": sail_port}
        marimo = None
        if self.spec["kind"] == "notebook":
            self.marimo = marimo = Marimo(self.spec, self.directory, grpc_port)
            await marimo.start()
            self.proxy = proxy = NotebookProxy(self.spec, marimo.port)
            http_port = await proxy.start()
            log.info("serving the notebook on port %s", http_port)
            state |= {"httpPort": http_port, "marimoPort": marimo.port}
        write_state(self.directory, state)
        log.info("ready")
        if marimo is not None:
            assert marimo.process is not None  # started
            await marimo.process.wait()
            raise RunnerError(f"Marimo exited with code {marimo.process.returncode}.")
        await asyncio.Event().wait()

    async def close(self) -> None:
        """Stop what was started, newest first."""
        if self.proxy is not None:
            await self.proxy.close()
        if self.marimo is not None:
            await self.marimo.stop()
        if self.forwarder is not None:
            self.forwarder.close()
            # Sail waits for its open connections before it stops: let the forwarder close them.
            # (Python 3.12 has no close_clients; there wait_closed waits for them, up to 5 s.)
            if sys.version_info >= (3, 13):
                self.forwarder.close_clients()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.forwarder.wait_closed(), 5)
            log.info("stopped the forwarder")
        if self.sail is not None:
            with contextlib.suppress(TimeoutError):  # exiting stops it anyway
                await asyncio.wait_for(asyncio.to_thread(self.sail.stop), 10)
            log.info("stopped sail")


async def run(directory: Path, spec: dict) -> int:
    """Run the workload until SIGTERM or SIGINT; return the exit code."""
    task = asyncio.current_task()
    assert task is not None  # asyncio.run runs this as a task
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, task.cancel)
    runner = Runner(directory, spec)
    try:
        await runner.run()
    except asyncio.CancelledError:
        log.info("stopping on a signal")
        return 0
    except RunnerError as error:
        log.info("failed: %s", error)
        write_state(directory, {"error": str(error)})
        return 1
    finally:
        await runner.close()
    return 0


def main(argv: list[str]) -> int:
    directory = Path(argv[1])
    if PARENT in os.environ:
        die_with_parent(int(os.environ.pop(PARENT)))
    spec = json.loads(sys.stdin.read())
    logging.basicConfig(
        filename=directory / "runner.log", level=logging.INFO, format="%(asctime)s %(message)s", force=True
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per proxied request is noise
    log.info("runner %s for %s %s", os.getpid(), spec["kind"], spec["id"])
    problem = missing_dependency(spec["kind"])
    if problem:
        log.info("failed: %s", problem)
        write_state(directory, {"error": problem})
        return 1
    return asyncio.run(run(directory, spec))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
