"""NOTIFY jobs_queued: the database names each queue whose jobs became due,
so that a LISTENing worker claims at once. Checked with a real LISTEN."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from factories import call, make_job


@pytest.fixture
def listener(connect: Callable[..., psycopg.Connection]) -> psycopg.Connection:
    conn = connect()
    conn.execute("LISTEN jobs_queued")
    return conn


@pytest.fixture
def cancels(connect: Callable[..., psycopg.Connection]) -> psycopg.Connection:
    conn = connect()
    conn.execute("LISTEN jobs_cancelling")
    return conn


def heard(listener: psycopg.Connection, wait: float = 0.3) -> list[str]:
    """The payloads (queue names) delivered so far, in order."""
    return [n.payload for n in listener.notifies(timeout=wait)]


def test_submitting_names_each_queue_once_per_statement(db, listener):
    db.execute("INSERT INTO api.jobs (queue, name) SELECT q, 'j' FROM"
               " unnest(ARRAY['a', 'a', 'b', 'a']) AS q")
    assert sorted(heard(listener)) == ["a", "b"]


def test_nothing_is_sent_before_commit_nor_for_a_rollback(db, listener):
    with pytest.raises(psycopg.errors.RaiseException):
        with db.transaction():
            make_job(db, queue="a")
            assert heard(listener, 0.1) == []
            db.execute("DO $$ BEGIN RAISE EXCEPTION 'abort'; END $$")
    assert heard(listener) == []


def test_a_scheduled_job_is_announced_when_submitted_and_when_queued(db, listener):
    """Submitted: a worker sets its timer (next_due); queued by maintenance:
    pollers' counts and every listener see it."""
    job = make_job(db, queue="later", run_at="2999-01-01T00:00:00Z")
    assert heard(listener) == ["later"]
    db.execute("UPDATE jobs.job SET run_at = now() - interval '1 second' WHERE id = %s",
               (job["id"],))
    assert heard(listener) == ["later"]  # a new due time
    call(db, "run_maintenance")
    assert heard(listener) == ["later"]  # queued


def test_a_failed_attempt_is_announced_with_its_retry_time(db, listener):
    job = make_job(db, queue="r")
    heard(listener)
    call(db, "claim_jobs", queues=["r"], worker="w")
    call(db, "fail_job", job_id=job["id"], worker="w", error="boom")
    assert heard(listener) == ["r"]  # scheduled after its backoff: a worker sets its timer
    call(db, "claim_jobs", queues=["elsewhere"], worker="w")
    assert heard(listener) == []  # a claim makes nothing due


def test_a_job_moved_in_time_is_announced_but_a_waiting_one_is_not(db, listener):
    first = make_job(db, queue="m")
    after = make_job(db, queue="m", after_job_id=first["id"], run_at="2999-01-01T00:00:00Z")
    heard(listener)
    db.execute("UPDATE jobs.job SET run_at = run_at + interval '1 day' WHERE id = %s",
               (after["id"],))
    assert heard(listener) == []  # still waiting for its predecessor
    call(db, "claim_jobs", queues=["m"], worker="w")
    call(db, "complete_job", job_id=first["id"], worker="w")
    assert heard(listener) == ["m"]  # released to its own run_at


def test_a_released_lock_is_announced_to_every_queue(db, listener):
    holder = make_job(db, queue="h", locks=["L"])
    heard(listener)
    call(db, "claim_jobs", queues=["h"], worker="w")
    make_job(db, queue="blocked", locks=["L"])
    assert heard(listener) == ["blocked"]
    call(db, "complete_job", job_id=holder["id"], worker="w")
    assert heard(listener) == [""]  # any queue may have a job waiting for that name


def test_resuming_a_paused_queue_is_announced(db, listener):
    db.execute("INSERT INTO api.queues (name, paused) VALUES ('p', true)")
    make_job(db, queue="p")
    heard(listener)
    db.execute("UPDATE api.queues SET max_attempts = 5 WHERE name = 'p'")
    assert heard(listener) == []
    db.execute("UPDATE api.queues SET paused = false WHERE name = 'p'")
    assert heard(listener) == ["p"]


def test_finishing_jobs_announces_nothing(db, listener):
    job = make_job(db, queue="f")
    heard(listener)
    call(db, "claim_jobs", queues=["f"], worker="w")
    call(db, "complete_job", job_id=job["id"], worker="w")
    assert heard(listener) == []


def test_a_cancel_of_a_running_job_names_it_once(db, cancels):
    running = make_job(db, queue="c")
    waiting = make_job(db, queue="elsewhere")
    call(db, "claim_jobs", queues=["c"], worker="w")
    call(db, "cancel_job", job_id=running["id"])
    call(db, "cancel_job", job_id=running["id"])  # already cancelling: no news
    call(db, "cancel_job", job_id=waiting["id"])  # cancelled at once: no worker to tell
    assert heard(cancels) == [str(running["id"])]


def test_the_setting_jobsapi_notify_off_silences_it(db, listener):
    db.execute("SET jobsapi.notify = off")
    make_job(db, queue="quiet")
    assert heard(listener) == []
    db.execute("RESET jobsapi.notify")
    make_job(db, queue="loud")
    assert heard(listener) == ["loud"]
