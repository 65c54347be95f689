"""claim_jobs stays cheap however many finished jobs the table holds.

auto_explain reports the plans of the statements inside claim_jobs as
notices, so the test reads the plan that really ran, not a copy of the query.
"""

from __future__ import annotations

import json

from factories import call

FINISHED = 100_000


def nested_plans(conn, query: str, params: tuple) -> list[dict]:
    plans: list[dict] = []

    def on_notice(diag) -> None:
        text = diag.message_primary or ""
        if text.startswith("duration:"):
            plans.append(json.loads(text.split("plan:", 1)[1]))

    conn.add_notice_handler(on_notice)
    conn.execute("LOAD 'auto_explain'")
    for setting, value in [("log_min_duration", "0"), ("log_nested_statements", "on"),
                           ("log_analyze", "on"), ("log_buffers", "on"),
                           ("log_format", "json"), ("log_level", "notice")]:
        conn.execute(f"SET auto_explain.{setting} = {value}")
    try:
        conn.execute(query, params)
    finally:
        conn.execute("SET auto_explain.log_min_duration = -1")
        conn.remove_notice_handler(on_notice)
    return plans


def walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


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
