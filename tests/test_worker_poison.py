"""A worker never dies of a job: a job whose JSON this client cannot decode
(stored before the database limited nesting: written here straight into the
table, past the limits) fails alone, for good, saying why, while the jobs
claimed beside it run and the worker goes on."""

from __future__ import annotations

import psycopg
import pytest

from conftest import Api
from jobsapi import Client
from jobsapi.worker import JobRun
from test_cli import Run, jobsapi  # noqa: F401 - the fixture
from worker_handlers import wait_for
from worker_harness import QUEUE, Workers

DEPTH = 3000  # Python's JSON decoder gives up near 1,000


def poison(api: Api) -> int:
    """A job nested DEPTH deep, written past the limit checks (as old data)."""
    with psycopg.connect(api.database_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # no triggers
        [(job_id,)] = conn.execute(
            "INSERT INTO jobs.job (queue, name, payload) VALUES (%s, 'poison',"
            f" (repeat('[', {DEPTH}) || repeat(']', {DEPTH}))::jsonb) RETURNING id",
            (QUEUE,)).fetchall()
    return job_id


@pytest.mark.parametrize("kind", ["http", "dsn"])
def test_a_job_that_cannot_be_decoded_fails_alone_and_the_worker_goes_on(
        api: Api, workers: Workers, client: Client, kind: str) -> None:
    before = client.submit("innocent", queue=QUEUE)
    bad = poison(api)
    after = client.submit("innocent", queue=QUEUE)
    ran: list[int] = []

    def handler(run: JobRun) -> str:
        ran.append(run.id)
        return "fine"

    running = workers.start(handler, workers.source(kind), concurrency=2, batch_size=10)
    for job in (before, after):
        assert client.wait(job.id, timeout=20, poll_interval=0.05).result == "fine"
    [(status, attempts, error)] = wait_for(
        lambda: api.sql("SELECT status::text, attempts, error FROM jobs.job WHERE id = %s"
                        " AND status = 'failed'", bad), "the poison job to fail")
    assert (status, attempts) == ("failed", 1)
    assert error.startswith(f"job {bad} cannot be read by this worker:")
    assert "recursion" in error
    assert bad not in ran
    # The worker is still at work.
    later = client.submit("innocent", queue=QUEUE)
    assert client.wait(later.id, timeout=20, poll_interval=0.05).result == "fine"
    assert running.thread.is_alive() and running.error is None


def test_listing_a_job_that_cannot_be_decoded_says_so(api: Api, jobsapi: Run) -> None:  # noqa: F811
    poison(api)
    listed = jobsapi("list")
    assert listed.code == 8
    assert listed.err.startswith("jobsapi: the answer of ") and "cannot be decoded" in listed.err
    assert "Traceback" not in listed.err
