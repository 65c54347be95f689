"""Queues (seed 002): settings, pausing, cheap counts and queue_jobs."""

from __future__ import annotations

import json
import random

import psycopg
import pytest

from factories import call, make_job


def counts(db, queue):
    row = db.execute("SELECT counts FROM api.queues WHERE name = %s", (queue,)).fetchone()
    return row[0]


def true_counts(db, queue):
    rows = dict(db.execute("SELECT status::text, count(*) FROM jobs.job WHERE queue = %s"
                           " GROUP BY 1", (queue,)).fetchall())
    return {s: rows.get(s, 0) for s in ("scheduled", "queued", "running", "completed",
                                        "failed", "cancelling", "cancelled")}


def test_counts_follow_every_kind_of_change(db):
    rng = random.Random(7)
    db.execute("INSERT INTO api.queues (name, max_attempts) VALUES ('q', 2)")
    db.execute("INSERT INTO api.jobs (queue, name) SELECT 'q', 'j' FROM generate_series(1, 60)")
    later = make_job(db, queue="q", run_at="2999-01-01T00:00:00Z")["id"]
    for _ in range(30):
        claimed = call(db, "claim_jobs", queues=["q"], worker="w", max_jobs=rng.randint(1, 4))
        for j in claimed:
            action = rng.choice(["complete", "fail", "cancel", "keep"])
            if action == "complete":
                call(db, "complete_job", job_id=j["id"])
            elif action == "fail":
                call(db, "fail_job", job_id=j["id"], error="x")
            elif action == "cancel":
                call(db, "cancel_job", job_id=j["id"])
    db.execute("DELETE FROM api.jobs WHERE queue = 'q' AND id IN"
               " (SELECT id FROM jobs.job WHERE status = 'completed' LIMIT 5)")
    db.execute("UPDATE api.jobs SET queue = 'other' WHERE id = %s", (later,))
    expected = true_counts(db, "q")
    assert sum(expected.values()) > 0 and expected["completed"] > 0
    got = counts(db, "q")
    assert {k: got[k] for k in expected} == expected
    assert got["paused"] == 0
    assert counts(db, "other")["scheduled"] == 1
    # Folding the ledger changes nothing.
    db.execute("SELECT jobs_internal.fold_queue_counts()")
    assert {k: counts(db, "q")[k] for k in expected} == expected


def test_reading_counts_does_not_touch_jobs(db):
    db.execute("INSERT INTO api.jobs (queue, name) SELECT 'q', 'j' FROM generate_series(1, 100)")
    db.execute("SELECT pg_stat_clear_snapshot()")
    before = db.execute("SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables"
                        " WHERE relid = 'jobs.job'::regclass").fetchone()
    db.execute("SELECT * FROM api.queues").fetchall()
    db.execute("SELECT pg_stat_force_next_flush()")
    db.execute("SELECT pg_stat_clear_snapshot()")
    after = db.execute("SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables"
                       " WHERE relid = 'jobs.job'::regclass").fetchone()
    assert after == before


def test_pausing_stops_claims_and_counts_queued_as_paused(db):
    for _ in range(3):
        make_job(db, queue="p")
    db.execute("UPDATE api.queues SET paused = true WHERE name = 'p'")
    assert call(db, "claim_jobs", queues=["p"], worker="w") == []
    got = counts(db, "p")
    assert (got["queued"], got["paused"]) == (0, 3)
    db.execute("UPDATE api.queues SET paused = false WHERE name = 'p'")
    got = counts(db, "p")
    assert (got["queued"], got["paused"]) == (3, 0)
    assert len(call(db, "claim_jobs", queues=["p"], worker="w")) == 1


def test_queue_settings_are_checked(db):
    for column, value in [("keep_failed", -1), ("max_attempts", 0), ("backoff_seconds", 0)]:
        with pytest.raises(psycopg.errors.CheckViolation):
            db.execute(f"INSERT INTO api.queues (name, {column}) VALUES ('bad', %s)", (value,))
    assert db.execute("SELECT count(*) FROM api.queues").fetchone() == (0,)


def test_a_queue_cannot_be_renamed_or_deleted_while_it_has_jobs(db):
    make_job(db, queue="q")
    with pytest.raises(psycopg.Error) as info:
        db.execute("UPDATE api.queues SET name = 'r' WHERE name = 'q'")
    assert info.value.sqlstate == "22023"
    with pytest.raises(psycopg.Error) as info:
        db.execute("DELETE FROM api.queues WHERE name = 'q'")
    assert info.value.sqlstate == "PT409"
    db.execute("INSERT INTO api.queues (name) VALUES ('empty')")
    db.execute("DELETE FROM api.queues WHERE name = 'empty'")


def test_the_queue_max_attempts_applies_to_jobs_without_their_own(db):
    db.execute("INSERT INTO api.queues (name, max_attempts) VALUES ('two', 2)")
    job_id = make_job(db, queue="two")["id"]
    statuses = []
    for _ in range(2):
        db.execute("UPDATE jobs.job SET status = 'queued', run_at = now() WHERE id = %s"
                   " AND status = 'scheduled'", (job_id,))
        call(db, "claim_jobs", queues=["two"], worker="w")
        statuses.append(call(db, "fail_job", job_id=job_id, error="x")[0]["status"])
    assert statuses == ["scheduled", "failed"]


def queue_jobs(db, **args):
    [row] = db.execute("SELECT api.queue_jobs(" + ", ".join(f"{k} => %s" for k in args) + ")",
                       list(args.values())).fetchall()
    return row[0]


def test_queue_jobs_answers_counts_a_page_and_pagination(db):
    db.execute("INSERT INTO api.queues (name, max_attempts) VALUES ('ingestion', 1)")
    ids = []
    for i in range(25):
        job_id = make_job(db, queue="ingestion", name=f"import {i}")["id"]
        call(db, "claim_jobs", queues=["ingestion"], worker="w")
        call(db, "fail_job", job_id=job_id, error=f"Error: timeout {i}", stacktrace="at x")
        ids.append(job_id)
    make_job(db, queue="ingestion")
    answer = queue_jobs(db, queue="ingestion")
    assert answer["name"] == "ingestion"
    assert answer["counts"]["failed"] == 25 and answer["counts"]["queued"] == 1
    assert answer["pagination"] == {"current_page": 1, "total_pages": 3, "total_jobs": 25,
                                    "page_size": 10}
    assert [j["id"] for j in answer["jobs"]] == ids[::-1][:10]
    first = answer["jobs"][0]
    assert (first["status"], first["error"], first["stacktrace"], first["attempts"]) == \
        ("failed", "Error: timeout 24", "at x", 1)
    last = queue_jobs(db, queue="ingestion", status="failed", page=3, page_size=10)
    assert [j["id"] for j in last["jobs"]] == ids[:5][::-1]
    queued = queue_jobs(db, queue="ingestion", status="queued")
    assert queued["pagination"]["total_jobs"] == 1 and len(queued["jobs"]) == 1


def test_queue_jobs_paused_lists_the_waiting_jobs_of_a_paused_queue(db):
    job_id = make_job(db, queue="p")["id"]
    db.execute("UPDATE api.queues SET paused = true WHERE name = 'p'")
    answer = queue_jobs(db, queue="p", status="paused")
    assert [j["id"] for j in answer["jobs"]] == [job_id]
    assert answer["pagination"]["total_jobs"] == 1


@pytest.mark.parametrize(("args", "sqlstate"), [
    ({"queue": "nope"}, "PT404"),
    ({"queue": "q", "status": "done"}, "22023"),
    ({"queue": "q", "page": 0}, "22023"),
    ({"queue": "q", "page_size": 0}, "22023"),
    ({"queue": "q", "page_size": 5000}, "22023"),
])
def test_queue_jobs_refuses_bad_arguments(db, args, sqlstate):
    make_job(db, queue="q")
    with pytest.raises(psycopg.Error) as info:
        queue_jobs(db, **args)
    assert info.value.sqlstate == sqlstate


def test_queue_counts_ledger_stays_small(db):
    for _ in range(300):
        make_job(db, queue="many")
    db.execute("SELECT jobs_internal.fold_queue_counts()")
    assert db.execute("SELECT count(*) FROM jobs.queue_count").fetchone()[0] <= 2
    assert json.dumps(counts(db, "many")["queued"]) == "300"
