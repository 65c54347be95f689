"""Workers, job_stats and cleanup_jobs (seed 004), at the SQL level."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

from factories import call, finish, make_job


def one(db, query, *params):
    with db.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params or None)
        return cur.fetchone()


def test_a_worker_registers_on_its_first_claim_and_is_seen_after(db):
    make_job(db)
    call(db, "claim_jobs", queues=["default"], worker="w1")
    worker = one(db, "SELECT * FROM api.workers WHERE name = 'w1'")
    assert worker["queues"] == ["default"] and worker["active"] and worker["running_jobs"] == 1
    first_seen = worker["first_seen"]
    db.execute("UPDATE jobs.worker SET last_seen = now() - interval '1 hour'")
    assert one(db, "SELECT active FROM api.workers")["active"] is False
    job_id = one(db, "SELECT id FROM jobs.job")["id"]
    call(db, "heartbeat", job_id=job_id, worker="w1")
    worker = one(db, "SELECT * FROM api.workers WHERE name = 'w1'")
    assert worker["active"] and worker["first_seen"] == first_seen


def test_a_stopped_worker_is_inactive_until_seen_again(db):
    call(db, "claim_jobs", queues=["q"], worker="w1")
    [stopped] = call(db, "stop_worker", worker="w1")
    assert stopped["active"] is False and stopped["stopped_at"] is not None
    call(db, "claim_jobs", queues=["q"], worker="w1")
    assert one(db, "SELECT active FROM api.workers")["active"] is True
    with pytest.raises(psycopg.Error) as info:
        call(db, "stop_worker", worker="nobody")
    assert info.value.sqlstate == "PT404"


def test_job_stats_match_the_jobs(db):
    for _ in range(6):
        make_job(db)
    make_job(db, run_at="2999-01-01T00:00:00Z")
    claimed = call(db, "claim_jobs", queues=["default"], worker="w1", max_jobs=4)
    call(db, "complete_job", job_id=claimed[0]["id"])
    call(db, "fail_job", job_id=claimed[1]["id"], retry=False)
    call(db, "cancel_job", job_id=claimed[2]["id"])
    call(db, "claim_jobs", queues=["other"], worker="w2")
    db.execute("UPDATE jobs.worker SET stopped_at = now() WHERE name = 'w2'")
    stats = one(db, "SELECT * FROM api.job_stats")
    truth = dict(db.execute("SELECT status::text, count(*) FROM jobs.job GROUP BY 1").fetchall())
    assert stats == {
        "total_jobs": 7, "scheduled": truth.get("scheduled", 0), "queued": truth["queued"],
        "running": truth["running"], "completed": 1, "failed": 1,
        "cancelling": 1, "cancelled": 0, "active_workers": 1, "total_workers": 2,
    }


def test_cleanup_deletes_old_finished_jobs_and_frees_their_files(db):
    old_done, old_failed, new_done = (make_job(db)["id"] for _ in range(3))
    finish(db, old_done)
    finish(db, old_failed, "failed")
    finish(db, new_done)
    old_waiting = make_job(db)["id"]
    old_running = make_job(db)["id"]
    finish(db, old_running, "running")
    for job_id, size in ((old_done, 1048576), (old_failed, 524288), (new_done, 999)):
        db.execute("INSERT INTO api.job_files (job_id, name, size_bytes) VALUES (%s, 'f', %s)",
                   (job_id, size))
    db.execute("UPDATE jobs.job SET ended_at = now() - interval '48 hours',"
               " created_at = now() - interval '49 hours' WHERE id <> %s", (new_done,))
    [row] = db.execute("SELECT api.cleanup_jobs()").fetchone()
    assert row["cleaned_jobs"] == 2 and row["freed_space_mb"] == 1.5
    assert "2" in row["message"]
    left = {r[0] for r in db.execute("SELECT id FROM jobs.job").fetchall()}
    assert left == {new_done, old_waiting, old_running}
    assert db.execute("SELECT job_id FROM jobs.job_file").fetchall() == [(new_done,)]


@pytest.mark.parametrize("hours", [0, 169, None])
def test_cleanup_age_outside_1_to_168_is_refused(db, hours):
    with pytest.raises(psycopg.Error) as info:
        db.execute("SELECT api.cleanup_jobs(%s)", (hours,))
    assert info.value.sqlstate == "22023"
    assert "1 and 168" in info.value.diag.message_primary
