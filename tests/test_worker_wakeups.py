"""Due jobs start on time. A worker LISTENing on a connection string starts a
job whose run_at was in the future the moment it becomes due, not at its next
poll: a scheduled job, a retry after its backoff, a follow-up released by its
predecessor, a job freed when its lock is released. An HTTP worker starts it
at its next poll. And a worker runs maintenance where pg_cron does not.

The workers here poll once a minute, so a job that starts within seconds was
woken by the timer or a notification; how close to its due time (p50, p95)
is measured by `make bench` (bench/wakeups.py), not asserted here.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from conftest import Api
from jobsapi import Client
from jobsapi.worker import JobRun
from worker_handlers import wait_for
from worker_harness import QUEUE, Workers

SLOW_POLL = 60.0


def listening(api: Api, workers: Workers, handler: Any = None, **kwargs: Any) -> None:
    """A worker on the connection string that polls once a minute, LISTENing
    and idle."""
    running = workers.start(handler or (lambda run: None), workers.source("dsn"),
                            poll_interval=SLOW_POLL, **kwargs)
    wait_for(lambda: api.sql("SELECT count(*) FROM jobs.worker WHERE name = %s",
                             running.worker.name)[0][0], "the worker's first claim")
    wait_for(lambda: api.sql("SELECT count(*) FROM pg_stat_activity"
                             " WHERE datname = current_database()"
                             " AND query LIKE 'LISTEN jobs_%'")[0][0], "the worker to LISTEN")


def times(api: Api, job_id: int) -> tuple[datetime, datetime]:
    """When the job became due (run_at) and when it started."""
    return wait_for(lambda: api.sql("SELECT run_at, started_at FROM jobs.job WHERE id = %s"
                                    " AND started_at IS NOT NULL", job_id),
                    f"job {job_id} to start")[0]


def assert_started_when_due(api: Api, job_id: int, due: datetime | None = None) -> None:
    run_at, started = times(api, job_id)
    due = due or run_at
    late = (started - due).total_seconds()
    # Not before it was due, and long before the next poll.
    assert 0 <= late < SLOW_POLL / 4, f"started {late:.3f}s after it was due"


def test_a_scheduled_job_starts_when_due(api: Api, workers: Workers) -> None:
    listening(api, workers)
    [(job_id,)] = api.sql("INSERT INTO api.jobs (queue, name, run_at) VALUES"
                          " (%s, 'later', now() + interval '1.5 s') RETURNING id", QUEUE)
    assert_started_when_due(api, job_id)


def test_a_retry_starts_when_its_backoff_ends(api: Api, workers: Workers) -> None:
    api.sql("INSERT INTO api.queues (name, backoff_seconds) VALUES (%s, 2)", QUEUE)
    attempts: list[int] = []

    def flaky(run: JobRun) -> str:
        attempts.append(run.attempts)
        if run.attempts == 1:
            raise RuntimeError("first attempt fails")
        return "second time lucky"

    listening(api, workers, flaky)
    [(job_id,)] = api.sql("INSERT INTO api.jobs (queue, name) VALUES (%s, 'flaky')"
                          " RETURNING id", QUEUE)
    wait_for(lambda: api.sql("SELECT attempts = 2 FROM jobs.job WHERE id = %s",
                             job_id)[0][0], "the second attempt")
    # run_at is the end of the backoff the failure set.
    assert_started_when_due(api, job_id)
    assert attempts[:2] == [1, 2]


def test_a_follow_up_starts_when_its_predecessor_completes(api: Api, workers: Workers,
                                                           client: Client) -> None:
    gate = workers.gate()
    listening(api, workers, lambda run: gate.wait(30) if run.name == "first" else None,
              concurrency=2)
    first = client.submit("first", queue=QUEUE)
    after = client.submit("after", queue=QUEUE, after_job_id=first.id)
    wait_for(lambda: client.get(first.id).status == "running", "the first job to run")
    gate.set()
    done = wait_for(lambda: (j := client.get(first.id)).ended_at and j, "the first job to end")
    assert_started_when_due(api, after.id, due=done.ended_at)


def test_a_job_starts_when_the_lock_it_needs_is_released(api: Api, workers: Workers,
                                                         client: Client) -> None:
    listening(api, workers)
    client.acquire_lock("nightly:shared")
    blocked = client.submit("blocked", queue=QUEUE, locks=["nightly:shared"])
    threading.Event().wait(0.5)  # idle: the lock keeps it from every claim
    assert client.get(blocked.id).status == "queued"
    [(released,)] = api.sql("DELETE FROM jobs.job_lock WHERE name = 'nightly:shared'"
                            " RETURNING now()")
    assert_started_when_due(api, blocked.id, due=released)


def test_an_http_worker_starts_a_scheduled_job_at_its_next_poll(api: Api, workers: Workers,
                                                               client: Client) -> None:
    workers.start(lambda run: None, workers.source("http"), poll_interval=0.2)
    [(job_id,)] = api.sql("INSERT INTO api.jobs (queue, name, run_at) VALUES"
                          " (%s, 'later', now() + interval '1 s') RETURNING id", QUEUE)
    run_at, started = times(api, job_id)
    assert 0 <= (started - run_at).total_seconds() < 5


def test_workers_run_maintenance_where_pg_cron_does_not(api: Api, workers: Workers,
                                                      client: Client) -> None:
    """A killed worker's job comes back although nobody calls maintenance:
    the workers run it, at most once per interval between them all."""
    [(job_id,)] = api.sql("INSERT INTO api.jobs (queue, name, status, worker,"
                          " lease_expires_at) VALUES (%s, 'abandoned', 'running', 'gone',"
                          " now() - interval '1 s') RETURNING id", QUEUE)
    for kind in ("dsn", "http"):
        workers.start(lambda run: "rescued", workers.source(kind), maintenance_interval=1)
    assert client.wait(job_id, timeout=20, poll_interval=0.1).result == "rescued"
    assert client.maintenance().mode == "workers"
    assert client.maintenance().runs >= 1


def test_an_http_worker_long_polls_and_starts_a_new_job_before_its_next_poll(
        api: Api, workers: Workers) -> None:
    """Over HTTP there is no LISTEN: the worker's claim waits in the
    database (claim_jobs' wait_seconds, up to its poll interval), so a job
    submitted meanwhile starts at once, and an idle worker sends one claim
    per interval."""
    started = threading.Event()
    workers.start(lambda run: started.set(), workers.source("http"), poll_interval=SLOW_POLL)
    wait_for(lambda: api.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                             " AND query LIKE '%claim_jobs%'")[0][0], "the claim to wait")
    [(job_id,)] = api.sql("INSERT INTO api.jobs (queue, name) VALUES (%s, 'now') RETURNING id",
                          QUEUE)
    assert_started_when_due(api, job_id)
    assert started.is_set()
