"""A job whose worker vanished is never lost: lease rescue."""

from __future__ import annotations

import psycopg
import pytest

from factories import call, events, job, make_job
from plans import nested_plans, walk
from races import gone
from worker_handlers import wait_for


def claimed(db, worker="w1", **fields):
    job_id = make_job(db, **fields)["id"]
    [row] = call(db, "claim_jobs", queues=[fields.get("queue", "default")], worker=worker)
    assert row["id"] == job_id
    return job_id


def expire(db, job_id):
    db.execute("UPDATE jobs.job SET lease_expires_at = now() - interval '1 s' WHERE id = %s",
               (job_id,))


def test_expired_lease_goes_back_to_the_queue_with_the_attempt_counted(db):
    job_id = claimed(db, max_attempts=3)
    expire(db, job_id)
    [row] = call(db, "reap_expired_leases")
    assert row["id"] == job_id and row["status"] == "queued" and row["attempts"] == 1
    assert "w1" in row["error"] and len(row["errors"]) == 1
    assert events(db, job_id)[-1] == ("running", "queued")


def test_expired_lease_on_the_last_attempt_fails_the_job(db):
    job_id = claimed(db, max_attempts=1)
    expire(db, job_id)
    [row] = call(db, "reap_expired_leases")
    assert row["status"] == "failed" and row["ended_at"] is not None


def test_expired_lease_of_a_cancelling_job_cancels_it(db):
    job_id = claimed(db)
    call(db, "cancel_job", job_id=job_id)
    expire(db, job_id)
    [row] = call(db, "reap_expired_leases")
    assert row["status"] == "cancelled"


def test_live_leases_are_left_alone(db):
    job_id = claimed(db)
    assert call(db, "reap_expired_leases") == []
    assert job(db, job_id)["status"] == "running"


def test_maintenance_rescues_and_the_next_worker_gets_the_job(db):
    job_id = claimed(db, worker="dead")
    expire(db, job_id)
    assert call(db, "claim_jobs", queues=["default"], worker="alive") == []  # no reaping here
    db.execute("SELECT api.run_maintenance()")
    [row] = call(db, "claim_jobs", queues=["default"], worker="alive")
    assert row["id"] == job_id and row["worker"] == "alive" and row["attempts"] == 2


def test_the_vanished_worker_can_no_longer_report(db):
    job_id = claimed(db, worker="dead")
    expire(db, job_id)
    db.execute("SELECT api.run_maintenance()")
    call(db, "claim_jobs", queues=["default"], worker="alive")
    for function in ("complete_job", "fail_job", "heartbeat"):
        try:
            call(db, function, job_id=job_id, worker="dead")
        except Exception as exc:  # noqa: BLE001 - asserting on the SQLSTATE below
            assert getattr(exc, "sqlstate", None) == "PT409"
        else:
            raise AssertionError(f"{function} by the dead worker was accepted")
    assert job(db, job_id)["worker"] == "alive"


def test_a_worker_dying_inside_its_claim_transaction_loses_nothing(db, connect):
    job_id = make_job(db)["id"]
    worker = connect()
    worker.autocommit = False
    worker.execute("SELECT * FROM api.claim_jobs(queues => ARRAY['default'], worker => 'w')")
    pid = worker.info.backend_pid
    db.execute("SELECT pg_terminate_backend(%s)", (pid,))
    wait_for(lambda: gone(db, worker), "the worker's backend to end")
    assert job(db, job_id)["status"] == "queued"
    [row] = call(db, "claim_jobs", queues=["default"], worker="w2")
    assert row["id"] == job_id


# --- heartbeat_jobs: one call for every job a worker holds.

def test_heartbeat_jobs_extends_each_held_lease_and_records_progress(db):
    first, second = claimed(db, queue="h"), claimed(db, queue="h")
    expire(db, first)
    replies = call(db, "heartbeat_jobs", worker="w1", lease_seconds=600, beats=[
        {"job_id": first, "progress": 30, "message": "a third"}, {"job_id": second}])
    assert [(r["job_id"], r["status"], r["cancel_requested"]) for r in replies] == [
        (first, "running", False), (second, "running", False)]
    rows = db.execute("SELECT id, progress, message, lease_expires_at > now() + interval"
                      " '590 s' FROM jobs.job WHERE id IN (%s, %s) ORDER BY id",
                      (first, second)).fetchall()
    assert rows == [(first, 30, "a third", True), (second, 0, None, True)]
    assert call(db, "reap_expired_leases") == []


def test_heartbeat_jobs_answers_a_cancel_and_ends_the_job_cancelled(db):
    job_id = claimed(db)
    call(db, "cancel_job", job_id=job_id)
    [reply] = call(db, "heartbeat_jobs", worker="w1", beats=[{"job_id": job_id}])
    assert (reply["status"], reply["cancel_requested"]) == ("cancelled", True)
    assert job(db, job_id)["status"] == "cancelled"


def test_heartbeat_jobs_skips_what_the_worker_does_not_hold(db):
    mine, theirs = claimed(db, queue="a"), claimed(db, worker="w2", queue="b")
    done = claimed(db, queue="c")
    call(db, "complete_job", job_id=done, worker="w1")
    waiting = make_job(db, queue="d")["id"]
    before = db.execute("SELECT id, lease_expires_at FROM jobs.job ORDER BY id").fetchall()
    replies = call(db, "heartbeat_jobs", worker="w1", beats=[
        {"job_id": i, "progress": 99} for i in (mine, theirs, done, waiting, 424242)])
    assert [r["job_id"] for r in replies] == [mine]
    after = dict(db.execute("SELECT id, lease_expires_at FROM jobs.job").fetchall())
    assert [(i, after[i]) for i, _ in before if i != mine] == [b for b in before if b[0] != mine]
    assert job(db, theirs)["progress"] == 0


def test_heartbeat_jobs_refuses_a_bad_lease_and_changes_nothing(db):
    job_id = claimed(db)
    before = job(db, job_id)
    for lease in (0, 86401, None):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            call(db, "heartbeat_jobs", worker="w1", lease_seconds=lease,
                 beats=[{"job_id": job_id, "progress": 50}])
    assert job(db, job_id) == before


def test_heartbeat_jobs_merges_results_and_appends_finished_items_as_heartbeat_does(db):
    job_id = claimed(db)
    call(db, "heartbeat_jobs", worker="w1", beats=[
        {"job_id": job_id, "result": {"pages": 1}, "finished_items": ["p1", "p2"]}])
    call(db, "heartbeat_jobs", worker="w1", beats=[
        {"job_id": job_id, "result": {"errors": 0}, "finished_items": "p3"}])
    row = job(db, job_id)
    assert (row["result"], row["finished_items"]) == (
        {"pages": 1, "errors": 0}, ["p1", "p2", "p3"])


def lease_index_reads(db) -> int:
    db.execute("SELECT pg_stat_force_next_flush()")
    return db.execute("SELECT idx_tup_read FROM pg_stat_user_indexes"
                      " WHERE indexrelid = 'jobs.job_lease_idx'::regclass").fetchone()[0]


@pytest.mark.parametrize("report", ["complete_jobs", "fail_jobs", "heartbeat_jobs"])
def test_a_batch_report_reads_its_jobs_by_id_not_every_running_job(db, report):
    """With statistics from before the jobs ran (so the planner thinks none
    run), a report of a few jobs still finds them by primary key: reading
    the lease index would cost every running job, and under a long-held
    snapshot every job that ever ran."""
    db.execute("INSERT INTO api.jobs (queue, name) SELECT 'q', 'n' FROM generate_series(1, 300)")
    db.execute("ANALYZE jobs.job")
    ids = [r["id"] for r in call(db, "claim_jobs", queues=["q"], worker="w1", max_jobs=300)]
    key = {"complete_jobs": "results", "fail_jobs": "failures", "heartbeat_jobs": "beats"}[report]
    before = lease_index_reads(db)
    for batch in (ids[:5], ids[5:10], ids[10:15], ids[15:20], ids[20:25], ids[25:30], ids[30:35]):
        reported = call(db, report, **{key: [{"job_id": i, "error": "x"} if report == "fail_jobs"
                                             else {"job_id": i} for i in batch]}, worker="w1")
        assert len(reported) == 5
    assert lease_index_reads(db) == before


@pytest.mark.parametrize("report", ["complete_jobs", "fail_jobs", "heartbeat_jobs"])
def test_a_batch_report_reads_each_report_once(db, report):
    """A batch of 300 reports: no statement inside reads the reports again for
    each job (a nested loop over them, quadratic: 4,000 reports took 1.4 s),
    and each job gets its own report."""
    # Statistics from before the jobs ran, on a table of some size: the
    # planner expects few of them running.
    db.execute("INSERT INTO api.jobs (queue, name) SELECT 'q', 'n' FROM generate_series(1, 5000)")
    db.execute("ANALYZE jobs.job")
    ids = [r["id"] for r in call(db, "claim_jobs", queues=["q"], worker="w1", max_jobs=300)]
    key = {"complete_jobs": "results", "fail_jobs": "failures", "heartbeat_jobs": "beats"}[report]
    field = {"complete_jobs": "message", "fail_jobs": "error", "heartbeat_jobs": "message"}[report]
    reports = [{"job_id": i, field: f"report of {i}"} for i in ids]
    plans = nested_plans(db, f"SELECT * FROM api.{report}({key} => %s, worker => 'w1')",
                         (psycopg.types.json.Jsonb(reports),))
    nodes = [n for p in plans for n in walk(p["Plan"])]
    assert [n for n in nodes if n.get("Operation") == "Update"], "no plan of the report was seen"
    loops = [n for n in nodes if n["Node Type"] == "Nested Loop"]
    assert sum(n.get("Rows Removed by Join Filter", 0) for n in loops) == 0
    assert not [n for n in nodes if n["Node Type"] == "Function Scan" and n["Actual Loops"] > 1]
    got = db.execute(f"SELECT id, {field} FROM jobs.job WHERE id = ANY(%s)", (ids,)).fetchall()
    assert sorted(got) == [(i, f"report of {i}") for i in ids]
