"""Retention and expiry (seeds 000 and 002): prune_jobs."""

from __future__ import annotations

import psycopg
import pytest

from factories import call, finish, job, make_job


def statuses(db):
    return dict(db.execute("SELECT status::text, count(*) FROM jobs.job GROUP BY 1").fetchall())


def test_prune_keeps_the_newest_finished_jobs_per_queue(db):
    db.execute("INSERT INTO api.queues (name, keep_completed, keep_failed) VALUES ('q', 3, 1)")
    completed = [make_job(db, queue="q")["id"] for _ in range(5)]
    failed = [make_job(db, queue="q")["id"] for _ in range(3)]
    for job_id in completed:
        finish(db, job_id)
    for job_id in failed:
        finish(db, job_id, "failed")
    waiting = [make_job(db, queue="q")["id"] for _ in range(2)]
    deleted = call(db, "prune_jobs")
    assert sorted((r["reason"], r["deleted"]) for r in deleted) == \
        [("keep_completed", 2), ("keep_failed", 2)]
    left = {r[0] for r in db.execute("SELECT id FROM jobs.job").fetchall()}
    assert left == set(completed[2:]) | {failed[2]} | set(waiting)
    # Their history went with them; the kept ones keep theirs.
    assert db.execute("SELECT count(*) FROM jobs.job_event WHERE job_id = ANY(%s)",
                      (completed[:2],)).fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM jobs.job_event WHERE job_id = %s",
                      (completed[4],)).fetchone()[0] == 3
    assert call(db, "prune_jobs") == []


def test_prune_deletes_expired_finished_jobs_only(db):
    done = make_job(db)["id"]
    finish(db, done)
    newer = make_job(db)["id"]  # the newest run of the name stays, expired or not
    finish(db, newer)
    queued = make_job(db)["id"]
    running = make_job(db)["id"]
    call(db, "claim_jobs", queues=["default"], worker="w")  # claims `queued`
    db.execute("UPDATE jobs.job SET expires_at = now() - interval '1 s'")
    [row] = call(db, "prune_jobs")
    assert (row["reason"], row["deleted"]) == ("expired", 1)
    assert {r[0] for r in db.execute("SELECT id FROM jobs.job").fetchall()} == \
        {newer, queued, running}


def test_prune_works_in_bounded_batches(db):
    db.execute("INSERT INTO api.queues (name, keep_completed) VALUES ('q', 0)")
    db.execute("INSERT INTO api.jobs (queue, name, status) SELECT 'q', 'x', 'running'"
               " FROM generate_series(1, 25)")
    db.execute("UPDATE jobs.job SET status = 'completed'")
    assert sum(r["deleted"] for r in call(db, "prune_jobs", batch_size=10)) == 10
    assert sum(r["deleted"] for r in call(db, "prune_jobs", batch_size=10)) == 10
    assert sum(r["deleted"] for r in call(db, "prune_jobs", batch_size=10)) == 4
    assert call(db, "prune_jobs", batch_size=10) == []
    assert statuses(db) == {"completed": 1}  # the newest run of x


def test_prune_removes_files_and_locks_and_counts(db):
    db.execute("INSERT INTO api.queues (name, keep_completed) VALUES ('q', 0)")
    job_id = make_job(db, queue="q")["id"]
    newest = make_job(db, queue="q")["id"]
    db.execute("INSERT INTO api.job_files (job_id, name, size_bytes) VALUES (%s, 'out.csv', 10)",
               (job_id,))
    finish(db, job_id)
    finish(db, newest)
    db.execute("INSERT INTO jobs.job_lock (name, job_id) VALUES ('L', %s)", (job_id,))
    call(db, "prune_jobs")
    for table in ("job_file", "job_lock", "job_event"):
        assert db.execute(f"SELECT count(*) FROM jobs.{table} WHERE job_id = %s",
                          (job_id,)).fetchone() == (0,), table
    assert db.execute("SELECT counts->>'completed' FROM api.queues WHERE name = 'q'"
                      ).fetchone() == ("1",)


@pytest.mark.parametrize("size", [0, 2_000_000])
def test_prune_refuses_a_bad_batch_size(db, size):
    with pytest.raises(psycopg.Error) as info:
        call(db, "prune_jobs", batch_size=size)
    assert info.value.sqlstate == "22023"


def test_new_jobs_expire_after_30_days(db):
    row = make_job(db)
    assert (row["expires_at"] - row["created_at"]).days == 30
    assert job(db, row["id"])["expires_at"] == row["expires_at"]
