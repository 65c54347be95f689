"""Faults under running workers, beside the worker kill of
test_worker_process.py: PostgREST killed for 5 s, and PostgreSQL's
postmaster crash-restarting (a backend killed with SIGKILL). With 20 s
leases no job that had finished runs again and every job ends completed
exactly once: the worker keeps heartbeating the jobs whose outcome waits to
be reported, and retries at most a second apart, so it resumes as soon as
the server is back.

Each test has a cluster and a PostgREST of its own (processes it started,
killed by PID), so the other tests never see the faults.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from jobsapi import Client
from jobsapi.server.cluster import Cluster
from jobsapi.server.postgrest_server import PostgrestProcess
from jobsapi.server.stack import throwaway_stack
from jobsapi.server.tokens import make_token
from jobsapi.worker import JobRun, Worker
from worker_handlers import wait_for

JOBS = 300
QUEUE = "faults"
LEASE = 20


@dataclass
class Stack:
    cluster: Cluster
    dsn: str
    postgrest: PostgrestProcess
    secret: str

    def sql(self, query: str, *params: object) -> list[tuple]:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            cur = conn.execute(query, params or None)
            return cur.fetchall() if cur.description else []

    def client(self) -> Client:
        return Client(self.postgrest.url, make_token(self.secret, "jobs_worker", "w",
                                                     queues=["*"]))


@pytest.fixture
def stack() -> Iterator[Stack]:
    with throwaway_stack("jobsapi-faults-", settings={"fsync": "off"}) as made:
        assert made.postgrest is not None
        yield Stack(made.cluster, made.dsn(), made.postgrest, made.secret)


class Runs:
    """The attempts the handler started, by job id."""

    def __init__(self) -> None:
        self.started: Counter[int] = Counter()
        self.lock = threading.Lock()

    def handler(self, run: JobRun) -> str:
        with self.lock:
            self.started[run.id] += 1
        time.sleep(0.02)
        return "done"


def run_through(stack: Stack, source: Client | str, fault: callable) -> Runs:  # type: ignore[valid-type]
    """Drain JOBS jobs with one worker, the fault striking a sixth of the way."""
    stack.sql("INSERT INTO api.jobs (queue, name) SELECT %s, 'work' FROM generate_series(1, %s)",
              QUEUE, JOBS)
    runs = Runs()
    worker = Worker(source, [QUEUE], runs.handler, concurrency=4, batch_size=8,
                    lease_seconds=LEASE, poll_interval=0.2, maintenance_interval=1)
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False},
                              daemon=True)
    thread.start()
    try:
        wait_for(lambda: stack.sql("SELECT count(*) FROM jobs.job WHERE status = 'completed'"
                                   )[0][0] >= JOBS // 6, "a sixth of the jobs to complete")
        fault()
        wait_for(lambda: stack.sql("SELECT count(*) FROM jobs.job WHERE status = 'completed'"
                                   )[0][0] == JOBS, "every job to complete", timeout=90)
    finally:
        worker.stop()
        thread.join(30)
    assert not thread.is_alive()
    return runs


def assert_each_job_ran_once(stack: Stack, runs: Runs) -> None:
    assert stack.sql("SELECT status::text, attempts, count(*) FROM jobs.job"
                     " GROUP BY 1, 2") == [("completed", 1, JOBS)]
    again = {job_id: n for job_id, n in runs.started.items() if n > 1}
    assert again == {}, f"jobs that ran again: {again}"
    assert len(runs.started) == JOBS


def test_a_5_second_postgrest_outage_reruns_no_job(stack: Stack) -> None:
    back: list[float] = []

    def outage() -> None:
        pid = stack.postgrest.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        stack.postgrest.process.wait(10)  # type: ignore[union-attr]
        stack.postgrest.process = None
        time.sleep(5)  # the outage itself
        stack.postgrest.start()
        back.append(time.monotonic())

    client = stack.client()
    runs = run_through(stack, client, outage)
    client.close()
    assert_each_job_ran_once(stack, runs)


@pytest.mark.parametrize("kind", ["http", "dsn"])
def test_a_postmaster_crash_restart_reruns_no_job(stack: Stack, kind: str) -> None:
    def crash() -> None:
        # A backend killed with SIGKILL makes the postmaster end every
        # session and recover: all connections drop at once.
        with psycopg.connect(stack.dsn, autocommit=True) as victim:
            pid = victim.info.backend_pid
            os.kill(pid, signal.SIGKILL)
        # The postmaster's reset has begun (a connection made before it would
        # answer, then be cut), and then it is over.
        wait_for(lambda: "terminated; reinitializing" in stack.cluster.logfile.read_text(),
                 "the postmaster to reset", timeout=30)
        wait_for(lambda: _answers(stack.dsn), "PostgreSQL to recover", timeout=30)

    source: Client | str = stack.client() if kind == "http" else stack.dsn
    runs = run_through(stack, source, crash)
    if isinstance(source, Client):
        source.close()
    assert_each_job_ran_once(stack, runs)


def _answers(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.OperationalError:
        return False
