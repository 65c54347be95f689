"""claim_jobs stays cheap however many finished jobs the table holds.

auto_explain reports the plans of the statements inside claim_jobs as
notices, so the test reads the plan that really ran, not a copy of the query.
"""

from __future__ import annotations

import pytest

from factories import call
from plans import nested_plans, walk

FINISHED = 100_000


def test_claim_reads_only_queued_jobs_via_the_claim_index(db):
    # A big history of finished jobs, written straight into the table.
    db.execute("SET session_replication_role = replica")
    db.execute(
        "INSERT INTO jobs.job (queue, name, status, started_at, ended_at)"
        " SELECT 'work', 'old', 'completed', now(), now() FROM generate_series(1, %s)",
        (FINISHED,))
    db.execute("SET session_replication_role = DEFAULT")
    db.execute("INSERT INTO api.jobs (queue, name, priority)"
               " SELECT 'work', 'new', 1 + i % 4 FROM generate_series(1, 50) AS i")
    db.execute("ANALYZE jobs.job")

    plans = nested_plans(db, "SELECT id FROM api.claim_jobs(queues => ARRAY['work'],"
                             " worker => 'w', max_jobs => 10)", ())
    nodes = [n for p in plans for n in walk(p["Plan"])]
    scans_of_job = [n for n in nodes if n.get("Relation Name") == "job"]
    assert scans_of_job, "no plan of the claim was reported"
    assert not [n for n in scans_of_job if n["Node Type"] == "Seq Scan"]
    claim_scans = [n for n in scans_of_job if n.get("Index Name") == "job_claim_idx"]
    assert claim_scans, [n.get("Index Name") for n in scans_of_job]
    # The walk stops after the batch: it never touched the finished rows.
    for node in claim_scans:
        assert node["Actual Rows"] <= 10
        assert node.get("Rows Removed by Filter", 0) == 0
    assert db.execute("SELECT count(*) FROM jobs.job WHERE status = 'running'").fetchone() == (10,)


def test_one_queue_claim_needs_no_sort(db):
    db.execute("INSERT INTO api.jobs (queue, name, priority)"
               " SELECT 'work', 'new', 1 + i % 4 FROM generate_series(1, 2000) AS i")
    db.execute("ANALYZE jobs.job")
    plans = nested_plans(db, "SELECT id FROM api.claim_jobs(queues => ARRAY['work'],"
                             " worker => 'w', max_jobs => 5)", ())
    picks = [p for p in plans if any(n.get("Index Name") == "job_claim_idx"
                                     for n in walk(p["Plan"]))]
    assert picks
    assert not [n for p in picks for n in walk(p["Plan"]) if n["Node Type"] == "Sort"]
    got = call(db, "claim_jobs", queues=["work"], worker="w", max_jobs=3)
    assert [j["priority"] for j in got] == [4, 4, 4]


@pytest.mark.parametrize("queues", [["work", "other"], None], ids=["two", "every"])
def test_a_claim_of_several_queues_reads_about_what_it_takes(db, queues):
    """Each queue is walked in claim order from its floor, not every queued
    job of them all read and sorted."""
    db.execute("INSERT INTO api.jobs (queue, name, priority) SELECT q, 'new', 1 + i % 4"
               " FROM generate_series(1, 500) AS i, unnest(ARRAY['work', 'other']) AS q")
    db.execute("ANALYZE jobs.job")
    plans = nested_plans(db, "SELECT id FROM api.claim_jobs(queues => %s, worker => 'w',"
                             " max_jobs => 10)", (queues,))
    nodes = [n for p in plans for n in walk(p["Plan"])]
    scans_of_job = [n for n in nodes if n.get("Relation Name") == "job"]
    assert not [n for n in scans_of_job if n["Node Type"] == "Seq Scan"]
    claim_scans = [n for n in scans_of_job if n.get("Index Name") == "job_claim_idx"]
    assert claim_scans
    # Per queue: its walk, and the first job of each priority when a claim
    # raises its floors.
    assert max(n["Actual Rows"] for n in claim_scans) <= 10
    assert sum(n["Actual Rows"] for n in claim_scans) <= 2 * (10 + 4)
    assert db.execute("SELECT count(*) FROM jobs.job WHERE status = 'running'").fetchone() == (10,)


def test_jobs_come_due_in_another_queue_cost_a_claim_nothing(db):
    """Thousands of scheduled jobs of another queue have come due (maintenance
    has not queued them yet): a claim of this queue reads none of them, and
    still takes its own due ones."""
    db.execute("SET session_replication_role = replica")
    db.execute("INSERT INTO jobs.job (queue, name, status, run_at)"
               " SELECT 'other', 'due', 'scheduled', now() - interval '1 minute'"
               " FROM generate_series(1, 5000)")
    due = [r[0] for r in db.execute(
        "INSERT INTO jobs.job (queue, name, status, run_at)"
        " SELECT 'work', 'due', 'scheduled', now() - s * interval '1 second'"
        " FROM unnest(ARRAY[5, 20, 10]) AS s RETURNING id").fetchall()]
    db.execute("SET session_replication_role = DEFAULT")
    db.execute("ANALYZE jobs.job")
    plans = nested_plans(db, "SELECT id FROM api.claim_jobs(queues => ARRAY['work'],"
                             " worker => 'w', max_jobs => 10)", ())
    nodes = [n for p in plans for n in walk(p["Plan"])]
    scans = [n for n in nodes if n.get("Relation Name") == "job"]
    assert not [n for n in scans if n["Node Type"] == "Seq Scan"]
    assert sum(n["Actual Rows"] + n.get("Rows Removed by Filter", 0) for n in scans
               if "scheduled" in n.get("Index Name", "")) <= 1 + len(due)
    running = db.execute("SELECT id FROM jobs.job WHERE status = 'running'").fetchall()
    assert sorted(r[0] for r in running) == sorted(due)


@pytest.mark.parametrize("report", ["complete_jobs", "fail_jobs", "heartbeat_jobs"])
def test_a_worker_s_statements_are_planned_once_a_session(db, report):
    """A worker claiming and reporting one job at a time: after PostgreSQL's
    first few calls, each statement inside runs a plan made for any value
    (its parameters show as $n), not one planned again for this call's
    values (they would show as constants)."""
    # Enough jobs that a plan for one id looks cheaper than one for any ids.
    db.execute("INSERT INTO api.jobs (queue, name) SELECT 'work', 'one' FROM generate_series(1, 20000)")
    db.execute("ANALYZE jobs.job")
    claim = "SELECT id FROM api.claim_jobs(queues => ARRAY['work'], worker => 'w', max_jobs => 1)"
    report_sql = f"SELECT FROM api.{report}(%s::jsonb, 'w')"
    for _ in range(7):
        (job_id,), = db.execute(claim).fetchall()
        db.execute(report_sql, (f'[{{"job_id": {job_id}}}]',))
    plans = nested_plans(db, claim, ())
    # (a heartbeat leaves its jobs running: the newest is the one just claimed)
    (job_id,), = db.execute("SELECT max(id) FROM jobs.job WHERE status = 'running'").fetchall()
    plans += nested_plans(db, report_sql, (f'[{{"job_id": {job_id}}}]',))
    by_id = [cond for p in plans for n in walk(p["Plan"]) if n.get("Relation Name") == "job"
             for cond in (n.get("Index Cond", ""), n.get("Filter", "")) if "id = ANY" in cond]
    assert by_id, "no statement read jobs by id"
    assert all("id = ANY ($" in cond for cond in by_id), by_id
