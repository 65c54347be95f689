"""Views for analysts: answers that agree with the jobs they summarize."""

from __future__ import annotations

import random

import pytest
from psycopg.rows import dict_row

from factories import call, make_job


def rows(db, query, *params):
    with db.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params or None)
        return cur.fetchall()


def run_for(db, job_id, seconds, status="completed"):
    """Claim a job and end it `seconds` after it started."""
    db.execute("UPDATE jobs.job SET status = 'running', worker = 'w' WHERE id = %s", (job_id,))
    db.execute("UPDATE jobs.job SET status = %s, ended_at = started_at + make_interval(secs => %s)"
               " WHERE id = %s", (status, seconds, job_id))


def test_daily_stats_count_outcomes_and_estimate_percentiles(db):
    rng = random.Random(4)
    durations = [rng.lognormvariate(0, 1.2) for _ in range(200)]
    for d in durations:
        run_for(db, make_job(db, queue="q", name="export")["id"], d)
    for _ in range(40):
        run_for(db, make_job(db, queue="q", name="export")["id"], 1.0, "failed")
    [day] = rows(db, "SELECT * FROM api.daily_job_stats WHERE name = 'export'")
    assert (day["finished"], day["completed"], day["failed"], day["cancelled"]) == (240, 200, 40, 0)
    assert float(day["success_rate"]) == pytest.approx(200 / 240, abs=1e-4)
    exact = sorted(durations)
    for column, q in (("p50_duration", 0.5), ("p95_duration", 0.95)):
        truth = exact[int(q * len(exact)) - 1]
        assert day[column] == pytest.approx(truth, rel=0.2), column
    assert day["mean_queue_time"] is not None


def test_history_survives_pruning_and_folding(db):
    for _ in range(5):
        run_for(db, make_job(db, name="nightly")["id"], 2)
    db.execute("SELECT jobs_internal.fold_history()")
    db.execute("DELETE FROM api.jobs")
    [day] = rows(db, "SELECT finished, completed FROM api.daily_job_stats")
    assert day == {"finished": 5, "completed": 5}
    [overall] = rows(db, "SELECT runs, p50 FROM api.duration_percentiles WHERE name = 'nightly'")
    assert overall["runs"] == 5 and overall["p50"] == pytest.approx(2, rel=0.2)


def test_latest_runs_show_the_newest_job_of_each_name(db):
    for name in ("a", "b"):
        for _ in range(3):
            make_job(db, name=name)
    newest = {r["name"]: r["id"] for r in rows(
        db, "SELECT name, max(id) AS id FROM jobs.job GROUP BY name")}
    run_for(db, newest["a"], 1, "failed")
    latest = {r["name"]: (r["job_id"], r["status"]) for r in rows(
        db, "SELECT * FROM api.latest_runs")}
    assert latest == {"a": (newest["a"], "failed"), "b": (newest["b"], "queued")}


def test_long_running_jobs_are_those_past_their_usual_p95(db):
    for _ in range(20):
        run_for(db, make_job(db, name="sync")["id"], 1)
    slow, normal = make_job(db, name="sync")["id"], make_job(db, name="sync")["id"]
    call(db, "claim_jobs", queues=["default"], worker="w", max_jobs=2)
    db.execute("UPDATE jobs.job SET started_at = now() - interval '1 minute' WHERE id = %s",
               (slow,))
    listed = rows(db, "SELECT id, usual_p95, past_runs FROM api.long_running_jobs")
    assert [r["id"] for r in listed] == [slow]
    assert listed[0]["past_runs"] == 20 and listed[0]["usual_p95"] == pytest.approx(1, rel=0.2)
    assert normal not in [r["id"] for r in listed]


def test_queue_depth_shows_waiting_jobs_and_latency(db):
    for priority in (1, 4):
        make_job(db, queue="q", priority=priority)
    make_job(db, queue="q", run_at="2999-01-01T00:00:00Z")
    db.execute("UPDATE jobs.job SET run_at = now() - interval '30 seconds'"
               " WHERE priority = 1 AND status = 'queued'")
    [depth] = rows(db, "SELECT * FROM api.queue_depth WHERE queue = 'q'")
    assert (depth["waiting"], depth["scheduled"], depth["running"]) == (2, 1, 0)
    assert 30 <= float(depth["latency"]) < 60


def test_minute_stats_count_each_minutes_outcomes_and_retries(db):
    for d in (0.5, 1.0, 2.0):
        run_for(db, make_job(db, queue="m", name="a")["id"], d)
    run_for(db, make_job(db, queue="m", name="b")["id"], 1.0, "failed")
    retried = make_job(db, queue="m", name="b", max_attempts=3)["id"]
    db.execute("UPDATE jobs.job SET status = 'running', worker = 'w' WHERE id = %s", (retried,))
    call(db, "fail_job", job_id=retried, worker="w", error="again")
    [minute] = rows(db, "SELECT * FROM api.minute_job_stats WHERE queue = 'm'")
    assert (minute["finished"], minute["completed"], minute["failed"], minute["cancelled"],
            minute["retried"]) == (4, 3, 1, 0, 1)
    assert minute["p50_duration"] == pytest.approx(1.0, rel=0.2)
    assert minute["p95_duration"] == pytest.approx(2.0, rel=0.2)
    assert db.execute("SELECT date_trunc('minute', now()) = %s", (minute["minute"],)
                      ).fetchone() == (True,)
    # The day's view counts the same, the retry apart from what finished.
    days = rows(db, "SELECT * FROM api.daily_job_stats WHERE queue = 'm' ORDER BY name")
    assert [(d["name"], d["finished"], d["retried"]) for d in days] == [("a", 3, 0),
                                                                       ("b", 1, 1)]


def test_minutes_fold_into_their_day_once_older_than_the_window(db):
    run_for(db, make_job(db, queue="m", name="a")["id"], 1.0)
    run_for(db, make_job(db, queue="m", name="a")["id"], 1.0)
    call(db, "run_maintenance")
    assert [r["completed"] for r in rows(db, "SELECT * FROM api.minute_job_stats")] == [2]
    # Three hours later (history_minutes_kept() is two): the minute is gone,
    # the day still counts both.
    db.execute("UPDATE jobs.job_history SET minute = minute - interval '3 hours'")
    call(db, "run_maintenance")
    assert rows(db, "SELECT * FROM api.minute_job_stats") == []
    assert db.execute("SELECT minute, jobs FROM jobs.job_history").fetchall() == [(None, 2)]
    [day] = rows(db, "SELECT * FROM api.daily_job_stats WHERE queue = 'm'")
    assert day["completed"] == 2


def test_a_row_without_a_minute_counts_for_its_day_alone(db):
    """What a trigger of the previous release appends while a deploy is under way."""
    run_for(db, make_job(db, queue="m", name="a")["id"], 1.0)
    db.execute("UPDATE jobs.job_history SET minute = NULL")
    assert rows(db, "SELECT * FROM api.minute_job_stats") == []
    [day] = rows(db, "SELECT * FROM api.daily_job_stats WHERE queue = 'm'")
    assert day["completed"] == 1


def test_percentiles_of_no_completed_job_are_null(db):
    run_for(db, make_job(db, queue="m", name="f")["id"], 1.0, "failed")
    [day] = rows(db, "SELECT * FROM api.daily_job_stats WHERE name = 'f'")
    assert (day["p50_duration"], day["p95_duration"]) == (None, None)
