"""`jobsapi worker` as a process: SIGTERM and SIGINT let the job in flight
finish before the process exits 0; a second signal quits at once (130);
SIGKILL loses nothing, since the job comes back when its lease ends.

The handlers are those of tests/worker_handlers.py, imported by the process
from the repository root; `hold` waits for a file, so the test decides when
the job in flight may end.
"""

from __future__ import annotations

import signal
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from jobsapi import Client
from worker_handlers import TIMEOUT, wait_for
from worker_harness import Processes, WorkerProcess

QUEUE = "q"
LEASE = ("--lease", "2", "--poll-interval", "0.2")


class Held:
    """The files of a `hold` job: written when it starts, awaited to end."""

    def __init__(self, directory: Path) -> None:
        self.started = directory / "started"
        self.release_file = directory / "release"

    def payload(self) -> dict[str, Any]:
        return {"started": str(self.started), "release": str(self.release_file)}

    def wait_started(self, worker: WorkerProcess) -> int:
        """The attempt number the handler wrote when it started."""
        wait_for(lambda: self.started.exists() or not worker.alive(),
                 f"the job to start in worker {worker.name}")
        assert self.started.exists(), f"worker {worker.name} exited:\n{worker.output()}"
        return int(self.started.read_text())

    def release(self) -> None:
        self.release_file.touch()


def submit_held(client: Client, held: Held, **fields: Any) -> int:
    return client.submit("hold", held.payload(), queue=QUEUE, **fields).id


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_lets_the_running_job_finish_then_the_worker_exits_0(
        processes: Processes, client: Client, tmp_path: Path, sig: signal.Signals) -> None:
    """SIGTERM or SIGINT: no new claims, the job in flight completes and is
    reported, the worker marks itself stopped and the process exits 0."""
    held = Held(tmp_path)
    job_id = submit_held(client, held)
    worker = processes.worker("hold", "--queue", QUEUE, *LEASE)
    assert held.wait_started(worker) == 1
    worker.send(sig)
    worker.wait_output(f"{sig.name}: finishing 1 running job(s)")
    later = client.submit("hold", held.payload(), queue=QUEUE).id
    time.sleep(0.6)  # several poll intervals in which a claim would have come
    assert worker.alive(), worker.output()
    assert client.get(job_id).status == "running"
    held.release()
    assert worker.wait() == 0, worker.output()
    done = client.get(job_id)
    assert (done.status, done.result, done.attempts) == \
        ("completed", {"held": True, "attempt": 1}, 1)
    assert (client.get(later).status, client.get(later).attempts) == ("queued", 0)
    [info] = client.workers(name=worker.name)
    assert info.stopped_at is not None and not info.active
    assert f"worker {worker.name} stopped after 1 job(s)" in worker.output()


def test_a_killed_workers_job_comes_back_when_its_lease_ends(
        processes: Processes, client: Client, tmp_path: Path) -> None:
    """SIGKILL: the job stays running under the dead worker's lease; once the
    lease (2 s) ended a second worker's maintenance (every second here, no
    pg_cron in the test database) takes it back, and the worker completes it
    as attempt 2, the first attempt's error saying the lease expired."""
    held = Held(tmp_path)
    job_id = submit_held(client, held, max_attempts=3)
    first = processes.worker("hold", "--queue", QUEUE, *LEASE, name="first")
    assert held.wait_started(first) == 1
    first.send(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    stranded = client.get(job_id)
    assert (stranded.status, stranded.worker, stranded.attempts) == ("running", "first", 1)
    assert stranded.lease_expires_at is not None
    rescued = client.reap_expired_leases()
    if datetime.now(timezone.utc) < stranded.lease_expires_at:
        assert rescued == [], "a job was taken back before its lease ended"
    held.release()
    second = processes.worker("hold", "--queue", QUEUE, *LEASE, "--maintenance-interval", "1",
                              name="second")
    done = client.wait(job_id, timeout=TIMEOUT)
    assert (done.status, done.worker, done.attempts, done.result) == \
        ("completed", "second", 2, {"held": True, "attempt": 2})
    assert [e["error"] for e in done.errors or []] == \
        ["lease expired: worker first stopped heartbeating"]
    assert [e.to_status for e in client.events(job_id)] == \
        ["queued", "running", "queued", "running", "completed"]
    second.send(signal.SIGTERM)
    assert second.wait() == 0, second.output()


def test_a_second_signal_quits_at_once_and_the_job_is_rescued_later(
        processes: Processes, client: Client, tmp_path: Path) -> None:
    """A second SIGTERM while the job still runs: the process exits 130 without
    reporting; the job is rescued (back to queued) once its lease ended."""
    held = Held(tmp_path)
    job_id = submit_held(client, held, max_attempts=3)
    worker = processes.worker("hold", "--queue", QUEUE, *LEASE)
    assert held.wait_started(worker) == 1
    worker.send(signal.SIGTERM)
    worker.wait_output("SIGTERM: finishing 1 running job(s)")
    worker.send(signal.SIGTERM)
    assert worker.wait() == 130, worker.output()
    assert "stopped at once" in worker.output()
    assert client.get(job_id).status == "running"
    rescued = wait_for(client.reap_expired_leases, "the lease to end", interval=0.2)
    assert [j.id for j in rescued] == [job_id]
    back = client.get(job_id)
    assert (back.status, back.attempts, back.error) == \
        ("queued", 1, f"lease expired: worker {worker.name} stopped heartbeating")
    [info] = client.workers(name=worker.name)
    assert info.stopped_at is None
