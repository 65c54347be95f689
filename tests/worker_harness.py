"""Workers for the tests: in threads of the test (Workers) or as `jobsapi
worker` processes (Processes). Each closes what it started, with timeouts,
so a failing test never hangs the suite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobsapi import Client
from jobsapi.worker import JobRun, Worker
from worker_handlers import TIMEOUT, wait_for

if TYPE_CHECKING:
    from conftest import Api, MakeClient

QUEUE = "q"
# Short intervals so that reports and claims follow each other closely; no
# maintenance unless a test asks for it (it would rescue or prune behind the
# test's back).
FAST: dict[str, float] = {"poll_interval": 0.1, "heartbeat_interval": 0.3,
                          "report_interval": 0.05, "maintenance_interval": 0}

Handler = Callable[[JobRun], Any]


class Running:
    """A Worker whose run() goes on in a thread; what run() raised is kept."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"test-{worker.name}",
                                       daemon=True)

    def _run(self) -> None:
        try:
            self.worker.run(install_signal_handlers=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            self.error = exc

    def join(self, timeout: float = TIMEOUT) -> None:
        """Wait for run() to return; AssertionError if it does not in time."""
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"worker {self.worker.name} did not return"

    def stop(self) -> None:
        """stop() the worker, wait for run() to return, raise what it raised."""
        self.worker.stop()
        self.join()
        if self.error is not None:
            raise self.error


class Workers:
    """Starts workers and the gates their handlers wait on; close() opens every
    gate and stops every worker."""

    def __init__(self, api: Api, make_client: MakeClient) -> None:
        self.api = api
        self.make_client = make_client
        self.running: list[Running] = []
        self.gates: list[threading.Event] = []

    def source(self, kind: str) -> Client | str:
        """A Client with a worker token for every queue, or the connection string."""
        if kind == "dsn":
            return self.api.database_url
        return self.make_client("jobs_worker", "worker", queues=["*"])

    def gate(self) -> threading.Event:
        """An event a handler waits on; set at teardown at the latest."""
        gate = threading.Event()
        self.gates.append(gate)
        return gate

    def start(self, handler: Handler, source: Client | str,
              queues: list[str] | str | None = QUEUE, **kwargs: Any) -> Running:
        """A worker on queues with the FAST intervals (kwargs override them), running."""
        running = Running(Worker(source, queues, handler, **{**FAST, **kwargs}))
        self.running.append(running)
        running.thread.start()
        return running

    def close(self) -> None:
        for gate in self.gates:
            gate.set()
        for running in self.running:
            running.worker.stop()
        hung = []
        for running in self.running:
            running.thread.join(TIMEOUT)
            if running.thread.is_alive():
                hung.append(running.worker.name)
        assert not hung, f"workers still running at teardown: {hung}"


ROOT = Path(__file__).resolve().parents[1]
# The console script of the environment running the tests; PYTHONPATH puts
# this checkout's package first.
JOBSAPI = Path(sys.executable).with_name("jobsapi")

def cli_env(api: Api, token: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a jobsapi process talking to the test API."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBSAPI_")}
    env.update(JOBSAPI_URL=api.url,
               JOBSAPI_TOKEN=token or api.token("jobs_worker", "proc", queues=["*"]),
               PYTHONPATH=os.pathsep.join([str(ROOT / "python_client"), str(ROOT)]),
               PYTHONUNBUFFERED="1", **extra)
    return env


class WorkerProcess:
    """A `jobsapi worker` process; its stdout and stderr go to a log file."""

    def __init__(self, proc: subprocess.Popen[bytes], name: str, log: Path) -> None:
        self.proc = proc
        self.name = name
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float = TIMEOUT) -> int:
        """The exit code; AssertionError with the output if it runs on."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"worker {self.name} still runs after {timeout}s:\n"
                                 f"{self.output()}") from None

    def wait_output(self, text: str) -> None:
        """Wait until the process printed text (and is still running)."""
        wait_for(lambda: text in self.output() or not self.alive(), f"{text!r} in the output")
        assert text in self.output(), f"worker {self.name} exited:\n{self.output()}"


class Processes:
    """Starts worker processes; close() kills those still running."""

    def __init__(self, api: Api, directory: Path) -> None:
        self.api = api
        self.directory = directory
        self.started: list[WorkerProcess] = []

    def worker(self, handler: str, *args: str, name: str | None = None,
               env: dict[str, str] | None = None) -> WorkerProcess:
        """`jobsapi worker tests.worker_handlers:HANDLER --name NAME ARGS...`
        (with --maintenance-interval 0 unless ARGS set it: see FAST)."""
        name = name or f"proc-{len(self.started) + 1}"
        if "--maintenance-interval" not in args:
            args = (*args, "--maintenance-interval", "0")
        log = self.directory / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [str(JOBSAPI), "worker", f"tests.worker_handlers:{handler}", "--name", name,
                 *args],
                cwd=ROOT, env=env or cli_env(self.api), stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT)
        started = WorkerProcess(proc, name, log)
        self.started.append(started)
        return started

    def close(self) -> None:
        for started in self.started:
            if started.alive():
                started.proc.kill()
            started.proc.wait(TIMEOUT)
