"""jobsapi.Worker against the real API, over HTTP (a Client, polling) and
straight to PostgreSQL (a connection string, LISTENing on jobs_queued).

Each worker runs in a thread of the test; at teardown every gate opens, every
worker is stopped and joined with a timeout, so a failing test never hangs.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import psycopg
import pytest

from conftest import Api, MakeClient  # conftest's fixtures
from jobsapi import Client, Forbidden
from jobsapi.models import Job
from jobsapi.worker import AHEAD_PER_HANDLER, JobCancelled, JobRun, PermanentFailure, Worker
from jobsapi.worker_backends import backend_for
from worker_handlers import TIMEOUT, wait_for
from worker_harness import QUEUE, Workers

Handler = Callable[[JobRun], Any]


@pytest.fixture(params=["http", "dsn"])
def source(request: pytest.FixtureRequest, workers: Workers) -> Client | str:
    """The worker's way in: a Client over HTTP, or the database's connection string."""
    return workers.source(request.param)


def submit(client: Client, payload: Any = None, name: str = "job", **fields: Any) -> Job:
    return client.submit(name, payload, queue=QUEUE, **fields)


def finished(client: Client, job: Job) -> Job:
    """The job once it finished."""
    return client.wait(job.id, timeout=TIMEOUT, poll_interval=0.05)


def job_in(client: Client, job: Job, status: str) -> Job:
    """The job once its status is status."""
    return wait_for(lambda: (j := client.get(job.id)).status == status and j,
                    f"job {job.id} to be {status}")


def take_back(api: Api, job_id: int) -> list[int]:
    """End the job's lease and reap it in one transaction (so that no heartbeat
    comes between): the job goes back to its queue."""
    with psycopg.connect(api.database_url) as conn:
        conn.execute("UPDATE jobs.job SET lease_expires_at = now() - interval '1 second'"
                     " WHERE id = %s", (job_id,))
        return [row[0] for row in conn.execute("SELECT id FROM api.reap_expired_leases()")]


# --- outcomes


def test_the_return_value_becomes_the_result_with_the_counters(workers: Workers,
                                                               source: Client | str,
                                                               client: Client) -> None:
    """A handler's return value is the job's result; run.count() adds up to
    num_success, num_error and num_ignore; the job ends completed."""
    def handler(run: JobRun) -> dict[str, Any]:
        run.count(success=2, ignore=1)
        run.count(success=1, error=1, ignore=1)
        return {"doubled": run.payload["n"] * 2, "name": run.name, "queue": run.queue,
                "attempt": run.attempts, "meta": run.meta}

    job = submit(client, {"n": 21}, name="double", meta={"flow": "F1"})
    running = workers.start(handler, source)
    done = finished(client, job)
    assert done.status == "completed"
    assert done.result == {"doubled": 42, "name": "double", "queue": QUEUE, "attempt": 1,
                           "meta": {"flow": "F1"}}
    assert (done.num_success, done.num_error, done.num_ignore) == (3, 1, 2)
    assert (done.worker, done.attempts, done.error) == (running.worker.name, 1, None)


def test_an_exception_fails_the_attempt_and_the_job_is_retried_later(
        workers: Workers, source: Client | str, client: Client) -> None:
    """An exception fails the attempt with "Type: message" and a traceback
    through the handler; with attempts left the job is scheduled again after
    the queue's backoff."""
    client.configure_queue(QUEUE, backoff_seconds=600, max_backoff_seconds=600)

    def broken_handler(run: JobRun) -> None:
        raise ValueError(f"bad row in {run.payload['file']}")

    job = submit(client, {"file": "a.csv"}, max_attempts=3)
    workers.start(broken_handler, source)
    retried = job_in(client, job, "scheduled")
    assert retried.attempts == 1
    assert retried.error == "ValueError: bad row in a.csv"
    assert retried.stacktrace is not None
    assert retried.stacktrace.startswith("Traceback (most recent call last):")
    assert ", in broken_handler\n" in retried.stacktrace
    assert "raise ValueError(" in retried.stacktrace
    assert retried.run_at is not None
    assert retried.run_at > datetime.now(timezone.utc) + timedelta(seconds=500)
    assert [(e["attempt"], e["error"]) for e in retried.errors or []] == \
        [(1, "ValueError: bad row in a.csv")]


def test_a_job_failing_every_attempt_ends_failed_after_max_attempts(
        workers: Workers, source: Client | str, client: Client) -> None:
    """Each attempt runs the handler again (run.attempts counts them); the last
    allowed failure fails the job, every attempt's error kept."""
    client.configure_queue(QUEUE, backoff_seconds=1, max_backoff_seconds=1)
    attempts: list[int] = []

    def handler(run: JobRun) -> None:
        attempts.append(run.attempts)
        raise RuntimeError(f"attempt {run.attempts}")

    job = submit(client, max_attempts=2)
    workers.start(handler, source)
    done = finished(client, job)
    assert (done.status, done.attempts, done.error) == ("failed", 2, "RuntimeError: attempt 2")
    assert attempts == [1, 2]
    assert [e["error"] for e in done.errors or []] == ["RuntimeError: attempt 1",
                                                       "RuntimeError: attempt 2"]


def test_permanent_failure_fails_the_job_at_once(workers: Workers, source: Client | str,
                                                  client: Client) -> None:
    """PermanentFailure fails the job for good although attempts remain."""
    calls: list[int] = []

    def handler(run: JobRun) -> None:
        calls.append(run.id)
        raise PermanentFailure("the file is gone")

    job = submit(client, max_attempts=5)
    workers.start(handler, source)
    done = finished(client, job)
    assert (done.status, done.attempts) == ("failed", 1)
    assert done.error == "PermanentFailure: the file is gone"
    assert calls == [job.id]


def test_a_result_that_is_not_json_fails_the_job_and_the_worker_goes_on(
        workers: Workers, source: Client | str, client: Client) -> None:
    """A return value json cannot encode fails the job with the encoder's
    error; the worker survives and runs the next job."""
    def handler(run: JobRun) -> Any:
        return {"ids": {1, 2}} if run.payload["bad"] else "fine"

    bad = submit(client, {"bad": True}, max_attempts=1)
    good = submit(client, {"bad": False})
    running = workers.start(handler, source)
    failed = finished(client, bad)
    assert failed.status == "failed"
    assert failed.error is not None and failed.error.startswith("TypeError: ")
    assert "not JSON serializable" in failed.error
    assert finished(client, good).result == "fine"
    assert running.thread.is_alive() and running.error is None


@pytest.mark.parametrize(("value", "error"), [
    (float("nan"), "ValueError: Out of range float values are not JSON compliant"),
    ("a \x00 byte", "the result was refused: "),
], ids=["nan", "nul"])
def test_a_result_that_cannot_be_stored_fails_that_job_only(
        workers: Workers, source: Client | str, client: Client, value: Any,
        error: str) -> None:
    """A result that is not valid JSON (NaN) or that jsonb refuses (a NUL
    character) fails its job, not the job reported with it, and the worker
    goes on."""
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def handler(run: JobRun) -> Any:
        if run.payload.get("meet"):
            barrier.wait()  # finish together: one report batch, most of the time
        return {"value": value} if run.payload["bad"] else "fine"

    bad = submit(client, {"bad": True, "meet": True}, max_attempts=1)
    good = submit(client, {"bad": False, "meet": True})
    running = workers.start(handler, source, concurrency=2)
    wait_for(lambda: all(client.get(j.id).finished for j in (bad, good))
             or not running.thread.is_alive(), "the jobs to end or the worker to die")
    assert running.error is None, f"run() raised {running.error!r}"
    failed = client.get(bad.id)
    assert failed.status == "failed"
    assert failed.error is not None and failed.error.startswith(error), failed.error
    assert client.get(good.id).result == "fine"
    later = submit(client, {"bad": False})
    assert finished(client, later).result == "fine"


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_sys_exit_in_a_handler_fails_the_attempt_and_the_worker_goes_on(
        workers: Workers, client: Client) -> None:
    """A handler calling sys.exit() fails its attempt like any exception would;
    the slot goes on with the next job."""
    def handler(run: JobRun) -> str:
        if run.payload["exit"]:
            sys.exit("bye")
        return "next"

    bad = submit(client, {"exit": True}, max_attempts=1)
    good = submit(client, {"exit": False})
    running = workers.start(handler, workers.source("http"))
    try:
        failed = wait_for(lambda: (j := client.get(bad.id)).finished and j,
                          "the attempt to end", timeout=5)
        assert failed.status == "failed"
        assert failed.error is not None and "SystemExit" in failed.error
        assert finished(client, good).result == "next"
    finally:
        # Else the jobs a dead slot left behind would hold stop() for ever.
        running.worker.stop()
        wait_for(lambda: running.worker._running.clear() or not running.thread.is_alive(),
                 "run() to return")


# --- reports while running


def test_progress_and_message_are_visible_while_the_job_runs(workers: Workers,
                                                             source: Client | str,
                                                             client: Client) -> None:
    """run.progress() goes out with the next heartbeat: GET /jobs shows it
    while the handler is still busy; the message stays on the completed job."""
    gate = workers.gate()

    def handler(run: JobRun) -> str:
        run.progress(40, "40 of 100 rows")
        gate.wait(TIMEOUT)
        return "ok"

    job = submit(client)
    workers.start(handler, source)
    seen = wait_for(lambda: (j := client.get(job.id)).progress == 40 and j, "progress 40")
    assert (seen.status, seen.message) == ("running", "40 of 100 rows")
    gate.set()
    done = finished(client, job)
    assert (done.status, done.result, done.message) == ("completed", "ok", "40 of 100 rows")


def test_heartbeats_extend_the_lease_past_its_first_end(workers: Workers,
                                                        source: Client | str,
                                                        client: Client) -> None:
    """A busy handler's job keeps its lease: lease_expires_at moves on with
    each heartbeat, so once the first lease has ended a reap leaves it alone."""
    gate = workers.gate()

    def handler(run: JobRun) -> None:
        gate.wait(TIMEOUT)

    job = submit(client)
    workers.start(handler, source, lease_seconds=2, heartbeat_interval=0.3)
    first = job_in(client, job, "running")
    first_end = first.lease_expires_at
    assert first_end is not None
    wait_for(lambda: client.get(job.id).lease_expires_at > first_end, "a later lease end")
    wait_for(lambda: datetime.now(timezone.utc) > first_end + timedelta(seconds=0.3),
             "the first lease to end")
    assert client.reap_expired_leases() == []
    held = client.get(job.id)
    assert (held.status, held.attempts, held.worker) == ("running", 1, first.worker)
    assert held.lease_expires_at > datetime.now(timezone.utc)
    gate.set()
    assert (finished(client, job).status, client.get(job.id).attempts) == ("completed", 1)


# --- cancel and lost jobs


def test_a_cancel_reaches_the_running_handler_and_the_worker_goes_on(
        workers: Workers, source: Client | str, client: Client) -> None:
    """Cancelling a running job: run.cancelled turns true, run.progress()
    raises JobCancelled, the job ends cancelled and the next job runs."""
    seen: dict[str, Any] = {}

    def handler(run: JobRun) -> str:
        if not run.payload["wait_for_cancel"]:
            return "next"
        wait_for(lambda: run.cancelled, "the cancel to reach the handler")
        seen["cancelled"] = run.cancelled
        try:
            run.progress(50)
        except JobCancelled as exc:
            seen["raised"] = exc
            raise
        return "not stopped"

    first = submit(client, {"wait_for_cancel": True})
    second = submit(client, {"wait_for_cancel": False})
    workers.start(handler, source)
    job_in(client, first, "running")
    assert client.cancel(first.id).status == "cancelling"
    cancelled = finished(client, first)
    assert (cancelled.status, cancelled.result) == ("cancelled", None)
    # One slot: the second job runs once the first handler has returned.
    assert finished(client, second).result == "next"
    assert seen["cancelled"] is True
    assert isinstance(seen["raised"], JobCancelled)
    assert [e.to_status for e in client.events(first.id)] == \
        ["queued", "running", "cancelling", "cancelled"]


def test_a_listening_worker_learns_a_cancel_before_its_next_heartbeat(
        workers: Workers, client: Client) -> None:
    """Over the connection string the database names the job on
    jobs_cancelling: the handler sees the cancel though heartbeats are due
    only every 60 s."""
    seen: list[bool] = []

    def handler(run: JobRun) -> None:
        wait_for(lambda: run.cancelled, "the cancel to reach the handler", timeout=10)
        seen.append(run.cancelled)
        run.check_cancelled()

    job = submit(client)
    workers.start(handler, workers.source("dsn"), heartbeat_interval=60, lease_seconds=300)
    job_in(client, job, "running")
    client.cancel(job.id)
    # The job may end cancelled (a heartbeat the worker sends when its
    # listener connects ends it) a moment before the handler notes it.
    assert finished(client, job).status == "cancelled"
    wait_for(lambda: seen == [True], "the handler to see the cancel")


def test_a_handler_that_ignores_the_cancel_leaves_the_job_cancelled(
        workers: Workers, source: Client | str, client: Client) -> None:
    """A handler that returns normally after its job was cancelled does not
    complete it: the job stays cancelled, without a result."""
    def handler(run: JobRun) -> str:
        wait_for(lambda: run.cancelled, "the cancel to reach the handler")
        return "done anyway"

    job = submit(client)
    running = workers.start(handler, source)
    job_in(client, job, "running")
    client.cancel(job.id)
    wait_for(lambda: running.worker.processed == 1, "the handler to return")
    done = finished(client, job)
    assert (done.status, done.result) == ("cancelled", None)


def test_a_job_taken_back_from_its_worker_is_stopped_and_runs_again(
        workers: Workers, source: Client | str, client: Client, api: Api) -> None:
    """When the lease of a running job is taken back, the worker's next
    heartbeat is refused: run.cancelled turns true, what the handler returns is
    dropped, and the job runs again as a new attempt."""
    lost: list[int] = []

    def handler(run: JobRun) -> str:
        if run.attempts == 1:
            wait_for(lambda: run.cancelled, "the worker to notice it lost the job")
            lost.append(run.attempts)
            return "too late"
        return f"attempt {run.attempts}"

    job = submit(client, max_attempts=3)
    workers.start(handler, source, lease_seconds=30)
    job_in(client, job, "running")
    assert take_back(api, job.id) == [job.id]
    done = finished(client, job)
    assert (done.status, done.result, done.attempts) == ("completed", "attempt 2", 2)
    assert lost == [1]


# --- concurrency


def test_concurrency_runs_that_many_jobs_at_once_and_no_more(workers: Workers,
                                                             source: Client | str,
                                                             client: Client) -> None:
    """With concurrency 3, three handlers run at the same time (they meet at a
    barrier, which breaks if they cannot), never a fourth."""
    n = 3
    barrier = threading.Barrier(n, timeout=TIMEOUT)
    lock = threading.Lock()
    active = peak = 0

    def handler(run: JobRun) -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        try:
            barrier.wait()
            return run.id
        finally:
            with lock:
                active -= 1

    jobs = client.submit_many([{"name": "meet", "queue": QUEUE} for _ in range(2 * n)])
    workers.start(handler, source, concurrency=n)
    done = [finished(client, j) for j in jobs]
    assert [(j.status, j.result) for j in done] == [("completed", j.id) for j in jobs]
    assert peak == n


def test_a_batch_holds_jobs_ready_and_a_cancelled_one_is_skipped(workers: Workers,
                                                                 source: Client | str,
                                                                 client: Client) -> None:
    """batch_size 3 with one slot: one claim takes three jobs, held running
    while the first one's handler works; one cancelled meanwhile never reaches
    the handler, the others run in turn."""
    gate = workers.gate()
    calls: list[int] = []

    def handler(run: JobRun) -> int:
        calls.append(run.id)
        if run.payload["first"]:
            gate.wait(TIMEOUT)
        return run.id

    first, second, third = client.submit_many(
        [{"name": "held", "queue": QUEUE, "payload": {"first": i == 0}} for i in range(3)])
    workers.start(handler, source, batch_size=3)
    wait_for(lambda: all(client.get(j.id).status == "running" for j in (first, second, third)),
             "one claim to take the three jobs")
    client.cancel(second.id)
    job_in(client, second, "cancelled")
    gate.set()
    assert (finished(client, first).result, finished(client, third).result) == \
        (first.id, third.id)
    assert calls == [first.id, third.id]


def test_by_default_a_worker_holds_ready_the_short_jobs_of_a_round_trip(
        workers: Workers, source: Client | str, client: Client) -> None:
    """Without a batch_size, a worker of short jobs soon claims more than its
    handlers, to hold jobs ready while the next claim is out; never more than
    AHEAD_PER_HANDLER per handler besides them. Every job still runs once."""
    asked: list[int] = []
    backend = backend_for(source)
    claim = backend.claim

    def recording_claim(queues: Any, worker: str, max_jobs: int, *args: Any) -> list[Job]:
        asked.append(max_jobs)
        return claim(queues, worker, max_jobs, *args)

    backend.claim = recording_claim  # type: ignore[method-assign]
    calls: Counter[int] = Counter()
    jobs = client.submit_many([{"name": "short", "queue": QUEUE} for _ in range(300)])
    workers.start(lambda run: calls.update([run.id]), backend, concurrency=2)
    wait_for(lambda: client.stats().completed == len(jobs), "every job to complete")
    assert calls == {job.id: 1 for job in jobs}
    assert asked[0] == 2, "nothing is held ready before a job and a claim were timed"
    assert max(asked) > 2
    assert max(asked) <= 2 + AHEAD_PER_HANDLER * 2


def test_what_a_worker_holds_follows_the_claim_and_job_times() -> None:
    """The rule of the held jobs, from the two running means: a given
    batch_size is kept; handlers that finish k jobs in a claim's round trip
    get k held ready each, at most AHEAD_PER_HANDLER; jobs longer than a
    round trip, or a job that has run longer than the mean, get none."""
    worker = Worker("postgresql:///unused", QUEUE, lambda run: None, concurrency=4)
    assert worker._hold() == 4  # nothing timed yet
    worker._claim_seconds, worker._job_seconds = 0.002, 0.001
    assert worker._hold() == 4 + 4 * 2
    worker._job_seconds = 0.000_001
    assert worker._hold() == 4 + 4 * AHEAD_PER_HANDLER
    worker._job_seconds = 0.010
    assert worker._hold() == 4
    worker._job_seconds = 0.001
    long_running = JobRun(Job(id=1))
    long_running.began = time.monotonic() - 60
    worker._running[1] = long_running
    assert worker._hold() == 4
    fixed = Worker("postgresql:///unused", QUEUE, lambda run: None, concurrency=4,
                   batch_size=5)
    fixed._claim_seconds, fixed._job_seconds = 0.002, 0.000_001
    assert fixed._hold() == 5


def test_two_workers_on_one_queue_run_every_job_exactly_once(workers: Workers,
                                                            client: Client) -> None:
    """Two workers (one over HTTP, one direct) on one queue of many jobs: each
    job's handler runs once, and every job completes."""
    lock = threading.Lock()
    calls: Counter[int] = Counter()

    def handler(run: JobRun) -> int:
        with lock:
            calls[run.id] += 1
        time.sleep(0.01)
        return run.id

    one = workers.start(handler, workers.source("http"), concurrency=2)
    two = workers.start(handler, workers.source("dsn"), concurrency=2)
    jobs = client.submit_many([{"name": "once", "queue": QUEUE, "payload": {"i": i}}
                               for i in range(40)])
    wait_for(lambda: client.stats().completed == len(jobs), "every job to complete")
    assert calls == {job.id: 1 for job in jobs}
    done = client.list(queue=QUEUE, limit=None)
    assert sorted((j.id, j.status, j.result, j.attempts) for j in done) == \
        [(job.id, "completed", job.id, 1) for job in jobs]
    assert {j.worker for j in done} <= {one.worker.name, two.worker.name}
    assert one.worker.processed + two.worker.processed == len(jobs)


# --- stopping and waking


def test_stop_finishes_the_running_job_and_claims_nothing_new(workers: Workers,
                                                              source: Client | str,
                                                              client: Client) -> None:
    """After stop(), run() waits for the job in flight and reports it, claims no
    new job, and marks the worker stopped (GET /workers)."""
    gate = workers.gate()
    started = threading.Event()

    def handler(run: JobRun) -> Any:
        started.set()
        gate.wait(TIMEOUT)
        return run.payload

    before = submit(client, "before")
    running = workers.start(handler, source)
    assert started.wait(TIMEOUT)
    running.worker.stop()
    after = submit(client, "after")
    time.sleep(0.5)  # several poll intervals in which a claim would have come
    assert running.thread.is_alive(), "run() returned with a job in flight"
    gate.set()
    running.stop()
    done = client.get(before.id)
    assert (done.status, done.result) == ("completed", "before")
    waiting = client.get(after.id)
    assert (waiting.status, waiting.attempts, waiting.worker) == ("queued", 0, None)
    [info] = client.workers(name=running.worker.name)
    assert info.stopped_at is not None
    assert (info.active, info.running_jobs) == (False, 0)


@pytest.mark.parametrize(("kind", "poll_interval"), [("dsn", 30.0), ("http", 0.2)],
                         ids=["dsn-listens", "http-polls"])
def test_an_idle_worker_runs_a_job_submitted_later(workers: Workers, client: Client,
                                                   api: Api, kind: str,
                                                   poll_interval: float) -> None:
    """A job submitted while the worker is idle runs. With the connection
    string the wake-up is the jobs_queued notification: the job starts long
    before the 30 s poll interval would have claimed it."""
    started = threading.Event()

    def handler(run: JobRun) -> str:
        started.set()
        return "woken"

    running = workers.start(handler, workers.source(kind), poll_interval=poll_interval)
    wait_for(lambda: client.workers(name=running.worker.name), "the worker's first claim")
    if kind == "dsn":
        wait_for(lambda: api.sql("SELECT count(*) FROM pg_stat_activity"
                                 " WHERE datname = current_database()"
                                 " AND query LIKE 'LISTEN jobs_%'")[0][0],
                 "the worker to LISTEN")
    time.sleep(1.0)  # the claims of the start are over: the worker is idle
    job = submit(client)
    assert started.wait(8.0), "the job did not start"
    assert finished(client, job).result == "woken"


def test_a_token_that_does_not_allow_the_queue_makes_run_raise_forbidden(
        workers: Workers, make_client: MakeClient) -> None:
    """A worker token whose queues claim leaves out the worker's queue: run()
    raises Forbidden with the server's message instead of polling on."""
    mailer = make_client("jobs_worker", "mailer", queues=["mail"])
    running = workers.start(lambda run: None, mailer, queues=[QUEUE])
    running.join()
    assert isinstance(running.error, Forbidden)
    assert f"may not claim jobs of queue {QUEUE}" in str(running.error)


# --- construction


def test_a_worker_needs_at_least_one_slot_and_a_known_source() -> None:
    """concurrency below 1 is a ValueError; a source that is neither a Client
    nor a connection string a TypeError."""
    with pytest.raises(ValueError, match="concurrency"):
        Worker("postgresql://nowhere/db", QUEUE, lambda run: None, concurrency=0)
    with pytest.raises(TypeError, match="Client or a connection string"):
        Worker(42, QUEUE, lambda run: None)  # type: ignore[arg-type]


def test_the_worker_is_importable_from_the_package() -> None:
    """`from jobsapi import Worker`, as the package's docstring shows."""
    import jobsapi

    assert jobsapi.Worker is Worker


# --- reports the database refuses, and a lease lost while the job still runs

def test_a_job_claimed_again_after_its_lease_ran_out_runs_once_more_and_reports_once(
        workers: Workers, source: Client | str, client: Client) -> None:
    """Heartbeats far apart and a 2 s lease: the worker's own maintenance
    (every second here) takes the job back and its next claim claims it
    again. The first run learns it lost the job,
    its outcome is dropped, the second attempt's is reported, and the worker
    goes on with other jobs."""
    def handler(run: JobRun) -> str:
        if run.payload == "slow" and run.attempts == 1:
            wait_for(lambda: run.cancelled, "the first run to learn it lost the job")
            return "first"
        return f"attempt {run.attempts}"

    job = submit(client, "slow", max_attempts=5)
    running = workers.start(handler, source, concurrency=2, lease_seconds=2,
                            heartbeat_interval=60, maintenance_interval=1)
    done = finished(client, job)
    assert (done.status, done.result, done.attempts) == ("completed", "attempt 2", 2)
    assert finished(client, submit(client, "next")).result == "attempt 1"
    assert running.thread.is_alive() and running.error is None


def test_text_the_database_cannot_store_is_cleaned_from_errors_and_messages(
        workers: Workers, source: Client | str, client: Client) -> None:
    """A NUL in an exception's text or a progress message (PostgreSQL text
    cannot hold one) is dropped: the failure is recorded, the message shown,
    and a job beside it keeps its lease."""
    gate = workers.gate()

    def handler(run: JobRun) -> str:
        if run.payload == "raise":
            raise ValueError("bad\x00byte")
        run.progress(10, "half\x00way")
        gate.wait(TIMEOUT)
        return "ok"

    failing = submit(client, "raise", max_attempts=1)
    reporting = submit(client, "report")
    workers.start(handler, source, concurrency=2)
    failed = finished(client, failing)
    assert (failed.status, failed.error) == ("failed", "ValueError: badbyte")
    assert job_in(client, reporting, "running") and wait_for(
        lambda: client.get(reporting.id).message == "halfway", "the cleaned message")
    gate.set()
    done = finished(client, reporting)
    assert (done.status, done.attempts, done.result) == ("completed", 1, "ok")


def test_a_handler_that_raises_job_cancelled_unasked_fails_its_attempt(
        workers: Workers, source: Client | str, client: Client) -> None:
    """JobCancelled raised without a cancel is a failure like any other: the
    job does not stay running until its lease ends."""
    def handler(run: JobRun) -> None:
        raise JobCancelled("stop, though nobody asked")

    job = submit(client, max_attempts=1)
    workers.start(handler, source)
    failed = finished(client, job)
    assert (failed.status, failed.error) == (
        "failed", "JobCancelled: stop, though nobody asked")


def test_a_result_that_is_not_utf8_fails_the_job_and_the_worker_goes_on(
        workers: Workers, source: Client | str, client: Client) -> None:
    """A lone surrogate (a file name os.listdir could not decode) cannot be
    sent: the job fails with the encoder's error, the next job runs."""
    def handler(run: JobRun) -> Any:
        return {"file": "caf\udce9"} if run.payload == "bad" else "fine"

    bad = submit(client, "bad", max_attempts=1)
    good = submit(client, "good")
    running = workers.start(handler, source)
    failed = finished(client, bad)
    assert failed.status == "failed" and failed.error.startswith("UnicodeEncodeError: ")
    assert finished(client, good).result == "fine"
    assert running.thread.is_alive() and running.error is None


def test_a_worker_asks_for_no_more_than_claim_jobs_hands_out(
        workers: Workers, source: Client | str, client: Client) -> None:
    """batch_size above claim_jobs' limit of 1000 claims 1000 at a time."""
    job = submit(client)
    workers.start(lambda run: "ran", source, batch_size=1500)
    assert finished(client, job).result == "ran"
