"""What retention never deletes (sql/20_internals/retention.sql) and how a
job's lineage survives deletion (sql/20_internals/lineage.sql)."""

from __future__ import annotations

import psycopg
import pytest

from factories import call, finish, job, make_job, run

NAMES = [f"etl-{n}" for n in range(5)]


def latest_runs(db) -> dict[str, int]:
    return dict(db.execute("SELECT name, job_id FROM api.latest_runs").fetchall())


def last_success(db, name: str):
    return db.execute("SELECT api.last_success(%s)", (name,)).fetchone()[0]


def test_keep_completed_2_over_5_names_keeps_every_watermark(db):
    db.execute("INSERT INTO api.queues (name, keep_completed, keep_failed) VALUES ('etl', 2, 0)")
    # Three rounds of five ETL names, then one failed run of the first name.
    for _ in range(3):
        for name in NAMES:
            finish(db, make_job(db, queue="etl", name=name, type="etl")["id"])
    failed = make_job(db, queue="etl", name=NAMES[0], type="etl")["id"]
    finish(db, failed, "failed")
    watermarks = {name: last_success(db, name) for name in NAMES}
    newest = latest_runs(db)
    assert newest[NAMES[0]] == failed

    result = call(db, "run_maintenance")[0]["run_maintenance"]
    # 15 completed: the newest of each name stays (5), the rest go.
    assert result["jobs_pruned"] == 10
    assert {name: last_success(db, name) for name in NAMES} == watermarks
    assert latest_runs(db) == newest
    assert job(db, failed)["status"] == "failed"  # the newest job of its name, though keep_failed 0
    assert call(db, "run_maintenance")[0]["run_maintenance"]["jobs_pruned"] == 0


def test_expiry_keeps_the_newest_successful_run_of_a_name(db):
    done = make_job(db, name="monthly-load", type="etl")["id"]
    finish(db, done)
    db.execute("UPDATE jobs.job SET expires_at = now() - interval '1 day'")
    watermark = last_success(db, "monthly-load")
    assert call(db, "run_maintenance")[0]["run_maintenance"]["jobs_expired"] == 0
    assert last_success(db, "monthly-load") == watermark
    # A newer success takes over; the old run may go now.
    newer = make_job(db, name="monthly-load", type="etl")["id"]
    finish(db, newer)
    db.execute("UPDATE jobs.job SET expires_at = now() - interval '1 day'")
    assert call(db, "run_maintenance")[0]["run_maintenance"]["jobs_expired"] == 1
    assert {r[0] for r in db.execute("SELECT id FROM jobs.job").fetchall()} == {newer}


def test_each_owner_keeps_its_own_watermark(db):
    db.execute("INSERT INTO api.queues (name, keep_completed) VALUES ('q', 0)")
    for owner in ("alice", "bob", "alice"):
        db.execute("INSERT INTO api.jobs (queue, name, owner, status) VALUES"
                   " ('q', 'shared', %s, 'running')", (owner,))
        db.execute("UPDATE jobs.job SET status = 'completed' WHERE status = 'running'")
    call(db, "prune_jobs")
    owners = sorted(r[0] for r in db.execute("SELECT owner FROM jobs.job").fetchall())
    assert owners == ["alice", "bob"]


def failed_job_with_retry(db, **fields) -> tuple[int, int]:
    root = make_job(db, **fields)["id"]
    finish(db, root, "failed")
    [retry] = call(db, "retry_job", job_id=root)
    return root, retry["id"]


def test_a_job_whose_retry_still_runs_is_neither_deleted_nor_pruned(db):
    db.execute("INSERT INTO api.queues (name, keep_failed) VALUES ('q', 0)")
    root, retry = failed_job_with_retry(db, queue="q", name="n")
    make_job(db, queue="q", name="n")  # so that the root is not the newest of its name
    with pytest.raises(psycopg.Error) as info:
        db.execute("DELETE FROM api.jobs WHERE id = %s", (root,))
    assert info.value.sqlstate == "PT409"
    assert f"job {retry}, which descends from it, has not finished" in str(info.value)
    assert call(db, "run_maintenance")[0]["run_maintenance"]["jobs_pruned"] == 0
    assert job(db, root)["status"] == "failed"


def test_a_job_whose_follow_up_still_waits_to_run_is_not_deleted(db):
    first = make_job(db)["id"]
    after = make_job(db, after_job_id=first)["id"]
    finish(db, first)
    assert job(db, after)["status"] == "queued"
    with pytest.raises(psycopg.Error) as info:
        db.execute("DELETE FROM api.jobs WHERE id = %s", (first,))
    assert info.value.sqlstate == "PT409"
    finish(db, after)
    db.execute("DELETE FROM api.jobs WHERE id = %s", (first,))
    assert job(db, after)["after_job_id"] == first  # kept as a record


def test_deleting_the_root_of_a_finished_chain_reroots_it(db):
    root, first = failed_job_with_retry(db)
    finish(db, first, "failed")
    [second] = call(db, "retry_job", job_id=first)
    finish(db, second["id"])
    db.execute("DELETE FROM api.jobs WHERE id = %s", (root,))
    chain = db.execute("SELECT id, retry_of, root_job_id FROM jobs.job ORDER BY id").fetchall()
    # The oldest job left is the root now; nothing names the deleted job.
    assert chain == [(first, None, None), (second["id"], first, first)]
    totals = db.execute("SELECT (api.totals(j)) ->> 'jobs' FROM api.jobs AS j WHERE id = %s",
                        (first,)).fetchone()
    assert totals == ("2",)


def test_deleting_the_middle_of_a_chain_points_past_it(db):
    root, first = failed_job_with_retry(db)
    finish(db, first, "failed")
    [second] = call(db, "retry_job", job_id=first)
    finish(db, second["id"])
    db.execute("DELETE FROM api.jobs WHERE id = %s", (first,))
    chain = db.execute("SELECT id, retry_of, root_job_id FROM jobs.job ORDER BY id").fetchall()
    assert chain == [(root, None, None), (second["id"], root, root)]


def test_deleting_a_whole_chain_at_once_leaves_nothing_dangling(db):
    root, first = failed_job_with_retry(db)
    finish(db, first, "failed")
    [second] = call(db, "retry_job", job_id=first)
    finish(db, second["id"])
    db.execute("DELETE FROM api.jobs WHERE id IN (%s, %s)", (root, first))
    assert db.execute("SELECT id, retry_of, root_job_id FROM jobs.job").fetchall() == \
        [(second["id"], None, None)]


def test_no_retry_ever_names_a_job_that_is_gone(db):
    """Retention over many chains: every retry_of and root_job_id names a job."""
    db.execute("INSERT INTO api.queues (name, keep_failed, keep_completed) VALUES ('q', 1, 1)")
    for n in range(6):
        root, retry = failed_job_with_retry(db, queue="q", name=f"chain-{n}")
        run(db, retry)
        db.execute("UPDATE jobs.job SET status = %s WHERE id = %s",
                   ("failed" if n % 2 else "completed", retry))
    db.execute("UPDATE jobs.job SET expires_at = now() - interval '1 s'")
    result = call(db, "run_maintenance")[0]["run_maintenance"]
    assert result["jobs_expired"] + result["jobs_pruned"] > 0
    dangling = db.execute("""
        SELECT r.id FROM jobs.job AS r
        WHERE (r.retry_of IS NOT NULL AND NOT EXISTS (SELECT FROM jobs.job AS j WHERE j.id = r.retry_of))
           OR (r.root_job_id IS NOT NULL
               AND NOT EXISTS (SELECT FROM jobs.job AS j WHERE j.id = r.root_job_id))
    """).fetchall()
    assert dangling == []
