"""heartbeat, complete, fail and cancel at the SQL level."""

from __future__ import annotations

import psycopg
import pytest

from factories import call, events, job, make_job


def running(db, worker="w1", **fields):
    job_id = make_job(db, **fields)["id"]
    db.execute("UPDATE jobs.job SET status = 'running', worker = %s,"
               " lease_expires_at = now() + interval '5 min' WHERE id = %s", (worker, job_id))
    return job_id


def sqlstate(db, function, **args):
    with pytest.raises(psycopg.Error) as info:
        call(db, function, **args)
    return info.value.sqlstate


# heartbeat

def test_heartbeat_reports_progress_and_extends_the_lease(db):
    job_id = running(db)
    db.execute("UPDATE jobs.job SET lease_expires_at = now() + interval '1 s' WHERE id = %s",
               (job_id,))
    [reply] = call(db, "heartbeat", job_id=job_id, worker="w1", progress=40, message="half",
                   lease_seconds=600)
    assert reply["cancel_requested"] is False and reply["status"] == "running"
    row = job(db, job_id)
    assert (row["progress"], row["message"]) == (40, "half")
    assert row["lease_expires_at"] == reply["lease_expires_at"]


def test_heartbeat_merges_partial_results(db):
    job_id = running(db)
    call(db, "heartbeat", job_id=job_id, result={"a": 1})
    call(db, "heartbeat", job_id=job_id, result={"b": {"c": 2}})
    assert job(db, job_id)["result"] == {"a": 1, "b": {"c": 2}}


def test_heartbeat_without_progress_keeps_it(db):
    job_id = running(db)
    call(db, "heartbeat", job_id=job_id, progress=30)
    call(db, "heartbeat", job_id=job_id)
    assert job(db, job_id)["progress"] == 30


def test_heartbeat_refuses_bad_progress(db):
    job_id = running(db)
    with pytest.raises(psycopg.errors.CheckViolation):
        call(db, "heartbeat", job_id=job_id, progress=150)
    assert job(db, job_id)["progress"] == 0


def test_heartbeat_errors(db):
    assert sqlstate(db, "heartbeat", job_id=999) == "PT404"
    assert sqlstate(db, "heartbeat", job_id=make_job(db)["id"]) == "PT409"
    assert sqlstate(db, "heartbeat", job_id=running(db), worker="other") == "PT409"


# complete

def test_complete_stores_result_and_counters(db):
    job_id = running(db)
    [row] = call(db, "complete_job", job_id=job_id, worker="w1", result={"rows": 3},
                 num_success=3, num_error=1, num_ignore=2, message="done")
    assert row["status"] == "completed" and row["ended_at"] is not None
    assert (row["num_success"], row["num_error"], row["num_ignore"]) == (3, 1, 2)
    assert row["result"] == {"rows": 3} and row["progress"] == 100
    assert events(db, job_id)[-1] == ("running", "completed")


def test_complete_keeps_counters_it_was_not_given(db):
    job_id = running(db)
    db.execute("UPDATE jobs.job SET num_success = 7 WHERE id = %s", (job_id,))
    [row] = call(db, "complete_job", job_id=job_id)
    assert row["num_success"] == 7


def test_complete_errors_leave_the_job(db):
    queued = make_job(db)["id"]
    assert sqlstate(db, "complete_job", job_id=999) == "PT404"
    assert sqlstate(db, "complete_job", job_id=queued) == "PT409"
    other = running(db, worker="w2")
    assert sqlstate(db, "complete_job", job_id=other, worker="w1") == "PT409"
    assert job(db, other)["status"] == "running"
    assert job(db, queued)["status"] == "queued"


def test_complete_jobs_batch_skips_what_it_cannot_complete(db):
    a, b = running(db), running(db)
    queued = make_job(db)["id"]
    rows = call(db, "complete_jobs", worker="w1",
                results=[{"job_id": a, "num_success": 1}, {"job_id": b}, {"job_id": queued}])
    assert sorted(r["id"] for r in rows) == [a, b]
    assert job(db, a)["num_success"] == 1
    assert job(db, queued)["status"] == "queued"


def test_complete_jobs_refuses_malformed_input(db):
    a = running(db)
    with pytest.raises(psycopg.Error) as info:
        call(db, "complete_jobs", results=[{"job_id": a, "num_success": "many"}])
    assert info.value.sqlstate == "22P02"
    assert job(db, a)["status"] == "running"


# fail

def test_fail_with_attempts_left_schedules_a_retry_with_backoff(db):
    db.execute("INSERT INTO api.queues (name, backoff_seconds) VALUES ('q', 20)")
    job_id = running(db, queue="q", max_attempts=3)
    [row] = call(db, "fail_job", job_id=job_id, worker="w1", error="boom", stacktrace="trace")
    assert row["status"] == "scheduled"
    delay = db.execute("SELECT run_at - now() FROM jobs.job WHERE id = %s", (job_id,)).fetchone()[0]
    assert delay.total_seconds() == pytest.approx(20, abs=0.01)
    assert row["error"] == "boom" and row["stacktrace"] == "trace"
    assert [e["error"] for e in row["errors"]] == ["boom"]


def test_backoff_doubles_with_each_attempt_up_to_its_cap(db):
    db.execute("INSERT INTO api.queues (name, backoff_seconds, max_backoff_seconds)"
               " VALUES ('q', 10, 30)")
    job_id = make_job(db, queue="q", max_attempts=5)["id"]
    delays = []
    for attempt in range(1, 5):
        db.execute("UPDATE jobs.job SET status = 'running', worker = 'w1' WHERE id = %s", (job_id,))
        call(db, "fail_job", job_id=job_id, error=f"boom {attempt}")
        delay = db.execute("SELECT run_at - now() FROM jobs.job WHERE id = %s",
                           (job_id,)).fetchone()[0]
        delays.append(round(delay.total_seconds()))
        db.execute("UPDATE jobs.job SET status = 'queued' WHERE id = %s", (job_id,))
    assert delays == [10, 20, 30, 30]


def test_fail_after_the_last_attempt_fails_for_good_keeping_every_error(db):
    job_id = make_job(db, max_attempts=2)["id"]
    for attempt in (1, 2):
        db.execute("UPDATE jobs.job SET status = 'running', worker = 'w1' WHERE id = %s", (job_id,))
        [row] = call(db, "fail_job", job_id=job_id, error=f"boom {attempt}")
        if attempt == 1:
            db.execute("UPDATE jobs.job SET status = 'queued' WHERE id = %s", (job_id,))
    assert row["status"] == "failed" and row["attempts"] == 2 and row["ended_at"] is not None
    assert [(e["attempt"], e["error"]) for e in row["errors"]] == [(1, "boom 1"), (2, "boom 2")]
    assert db.execute("SELECT api.retriable(j) FROM api.jobs j WHERE id = %s",
                      (job_id,)).fetchone() == (True,)


def test_fail_without_retry_fails_at_once(db):
    job_id = running(db, max_attempts=5)
    [row] = call(db, "fail_job", job_id=job_id, error="fatal", retry=False)
    assert row["status"] == "failed"


def test_fail_errors(db):
    assert sqlstate(db, "fail_job", job_id=999) == "PT404"
    assert sqlstate(db, "fail_job", job_id=make_job(db)["id"]) == "PT409"


# cancel

def test_cancel_queued_or_scheduled_is_immediate(db):
    queued = make_job(db)["id"]
    scheduled = make_job(db, run_at="2999-01-01T00:00:00Z")["id"]
    for job_id in (queued, scheduled):
        [row] = call(db, "cancel_job", job_id=job_id)
        assert row["status"] == "cancelled" and row["ended_at"] is not None


def test_cancel_running_asks_the_worker_then_heartbeat_ends_it(db):
    job_id = running(db)
    [row] = call(db, "cancel_job", job_id=job_id)
    assert row["status"] == "cancelling"
    [reply] = call(db, "heartbeat", job_id=job_id, worker="w1")
    assert reply["cancel_requested"] is True and reply["status"] == "cancelled"
    assert events(db, job_id)[-2:] == [("running", "cancelling"), ("cancelling", "cancelled")]


@pytest.mark.parametrize("finish", ["complete_job", "fail_job"])
def test_cancelling_job_ends_cancelled_when_the_worker_finishes(db, finish):
    job_id = running(db)
    call(db, "cancel_job", job_id=job_id)
    [row] = call(db, finish, job_id=job_id, worker="w1")
    assert row["status"] == "cancelled"


def test_cancel_errors(db):
    assert sqlstate(db, "cancel_job", job_id=999) == "PT404"
    done = running(db)
    call(db, "complete_job", job_id=done)
    assert sqlstate(db, "cancel_job", job_id=done) == "PT409"
    assert job(db, done)["status"] == "completed"
