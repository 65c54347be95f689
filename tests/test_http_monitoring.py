"""Monitoring and management over HTTP (seed 004 and the analysts): priority
rules, job details with estimated_remaining, workers, job_stats,
cleanup_jobs and the analyst views, through the real PostgREST."""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from http_helpers import RETURN, call, error_of, submit

ONE = {"Accept": "application/vnd.pgrst.object+json"}
WORKER = {"role": "jobs_worker", "sub": "w1"}
PRIORITY_MESSAGE = "Priority must be between 1 (low) and 4 (urgent)"
DETAILS = "*,duration,queue_time,estimated_remaining,files(*)"
STATS_FIELDS = {"total_jobs", "scheduled", "queued", "running", "completed", "failed",
                "cancelling", "cancelled", "active_workers", "total_workers"}
MB = 1_048_576


# --- helpers -----------------------------------------------------------------

def read(api, job_id: int, select: str = "*") -> dict:
    response = api.get(f"/jobs?id=eq.{job_id}&select={select}", headers=ONE)
    assert response.status_code == 200, response.text
    return response.json()


def claim(api, queue: str = "q", worker: str = "w1", max_jobs: int = 1) -> list[int]:
    rows = call(api, "claim_jobs", sub=worker, queues=[queue], worker=worker, max_jobs=max_jobs)
    return [row["id"] for row in rows]


def running(api, queue: str = "q", worker: str = "w1", **fields: Any) -> int:
    """A job claimed by worker (it must be the only due job of its queue)."""
    job_id = submit(api, queue, **fields)["id"]
    assert claim(api, queue, worker) == [job_id]
    return job_id


def complete(api, job_id: int, worker: str = "w1") -> None:
    call(api, "complete_job", sub=worker, job_id=job_id, worker=worker)


def fail(api, job_id: int, worker: str = "w1", retry: bool = False) -> None:
    call(api, "fail_job", sub=worker, job_id=job_id, worker=worker, error="boom", retry=retry)


def cancel(api, job_id: int) -> str:
    return call(api, "cancel_job", role="jobs_admin", sub="admin", job_id=job_id)["status"]


def finished(api, status: str, queue: str = "q", **fields: Any) -> int:
    """A job of its own queue taken to a finished status."""
    if status == "cancelled":
        job_id = submit(api, queue, **fields)["id"]
        assert cancel(api, job_id) == "cancelled"
        return job_id
    job_id = running(api, queue, **fields)
    if status == "completed":
        complete(api, job_id)
    else:
        fail(api, job_id)
    return job_id


def shift(api, job_id: int, column: str, seconds: float) -> None:
    """Move a timestamp of a job back in time, as if that much time had passed."""
    assert column in ("run_at", "started_at", "ended_at", "created_at")
    api.sql(f"UPDATE jobs.job SET {column} = {column} - make_interval(secs => %s)"
            " WHERE id = %s", seconds, job_id)


def timed_run(api, queue: str, name: str, seconds: float, outcome: str = "completed",
              waited: float = 0.0) -> int:
    """A job that waited `waited` seconds for a worker and then ran `seconds`:
    run_at and started_at are moved back before it finishes through the RPCs."""
    job_id = submit(api, queue, name=name)["id"]
    shift(api, job_id, "run_at", waited + seconds)
    assert claim(api, queue) == [job_id]
    shift(api, job_id, "started_at", seconds)
    if outcome == "completed":
        complete(api, job_id)
    else:
        fail(api, job_id)
    return job_id


def get_rows(api, path: str, **auth: Any) -> list[dict]:
    response = api.get(path, **auth)
    assert response.status_code == 200, response.text
    return response.json()


def stats(api) -> dict:
    [row] = get_rows(api, "/job_stats")
    return row


def worker_row(api, name: str = "w1") -> dict:
    [row] = get_rows(api, f"/workers?name=eq.{name}")
    return row


def job_ids(api) -> list[int]:
    return [row[0] for row in api.sql("SELECT id FROM jobs.job ORDER BY id")]


def near(value: float, expected: float, ratio: float = 0.2) -> bool:
    """Within ratio of expected (the bucketed percentiles are within about 19%)."""
    return abs(value - expected) <= ratio * expected


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def now() -> datetime:
    return datetime.now(timezone.utc)


# --- priority ------------------------------------------------------------------------

@pytest.mark.parametrize("priority", [5])  # every value: test_transitions.py
def test_submit_with_priority_out_of_range_is_400_in_words(api, priority):
    response = api.post("/jobs", json={"name": "a", "priority": priority}, headers=RETURN)
    body = error_of(response, 400, "22023")
    assert body["message"] == PRIORITY_MESSAGE
    assert job_ids(api) == []


def test_priority_1_to_4_are_accepted(api):
    assert [submit(api, priority=p)["priority"] for p in (1, 2, 3, 4)] == [1, 2, 3, 4]


# --- job details -----------------------------------------------------------------------

def test_running_job_estimates_its_remaining_time_from_its_progress(api):
    job_id = running(api)
    time.sleep(0.5)
    call(api, "heartbeat", job_id=job_id, worker="w1", progress=50, message="half way")
    job = read(api, job_id, DETAILS)
    assert (job["status"], job["progress"], job["message"]) == ("running", 50, "half way")
    elapsed = float(job["duration"])
    remaining = float(job["estimated_remaining"])
    assert elapsed >= 0.5
    # Half done after `elapsed` seconds: about as long again.
    assert remaining > 0
    assert 0.5 * elapsed <= remaining <= 2 * elapsed + 0.5
    assert float(job["queue_time"]) >= 0


def test_estimated_remaining_scales_with_the_progress_rate(api):
    job_id = running(api)
    shift(api, job_id, "started_at", 100)
    call(api, "heartbeat", job_id=job_id, worker="w1", progress=25)
    # 25% in 100 s: 300 s to go.
    assert near(float(read(api, job_id, DETAILS)["estimated_remaining"]), 300, 0.05)


def test_estimated_remaining_is_null_without_progress(api):
    job_id = running(api)
    call(api, "heartbeat", job_id=job_id, worker="w1", progress=0)
    job = read(api, job_id, DETAILS)
    assert job["progress"] == 0
    assert job["estimated_remaining"] is None
    assert job["duration"] is not None


def test_estimated_remaining_is_null_for_a_waiting_job(api):
    job = read(api, submit(api)["id"], DETAILS)
    assert job["estimated_remaining"] is None
    assert job["duration"] is None
    assert float(job["queue_time"]) >= 0


def test_estimated_remaining_is_0_for_a_completed_job(api):
    job_id = running(api)
    shift(api, job_id, "started_at", 12)
    complete(api, job_id)
    job = read(api, job_id, DETAILS)
    assert (job["status"], job["progress"]) == ("completed", 100)
    assert float(job["estimated_remaining"]) == 0
    assert near(float(job["duration"]), 12, 0.05)


def test_job_details_list_the_result_files(api):
    job_id = running(api)
    files = [{"job_id": job_id, "name": "matched_results.json", "host": "batch-1",
              "path": f"/results/job_{job_id}/matched_results.json", "size_bytes": 2048},
             {"job_id": job_id, "name": "unmatched_1.json", "host": "batch-1",
              "path": f"/results/job_{job_id}/unmatched_1.json", "size_bytes": 10}]
    response = api.post("/job_files", json=files, **WORKER)
    assert response.status_code == 201, response.text
    job = read(api, job_id, DETAILS)
    assert [(f["name"], f["path"], f["size_bytes"]) for f in job["files"]] == [
        (f["name"], f["path"], f["size_bytes"]) for f in files]


def test_job_details_name_the_owner(api):
    job_id = api.post("/jobs", json={"name": "mine"}, headers=RETURN, role="jobs_user",
                      sub="alice").json()[0]["id"]
    assert read(api, job_id, DETAILS)["owner"] == "alice"


# --- workers -------------------------------------------------------------------------------

def test_no_workers_before_the_first_claim(api):
    assert get_rows(api, "/workers") == []


def test_a_worker_registers_on_its_first_claim(api):
    submit(api, "a")
    submit(api, "a")
    before = now()
    rows = call(api, "claim_jobs", queues=["a", "b"], worker="w1", max_jobs=5)
    assert len(rows) == 2
    worker = worker_row(api)
    assert worker["queues"] == ["a", "b"]
    assert worker["active"] is True
    assert worker["running_jobs"] == 2
    assert worker["stopped_at"] is None
    first_seen, last_seen = at(worker["first_seen"]), at(worker["last_seen"])
    assert before - timedelta(seconds=5) <= first_seen <= last_seen <= now() + timedelta(seconds=5)


def test_a_claim_that_finds_nothing_still_registers_the_worker(api):
    assert claim(api, "empty", worker="idle") == []
    assert worker_row(api, "idle")["running_jobs"] == 0


def test_running_jobs_counts_only_the_jobs_a_worker_holds_now(api):
    done = running(api, "a")
    running(api, "b")
    running(api, "c", worker="w2")
    complete(api, done)
    assert worker_row(api, "w1")["running_jobs"] == 1
    assert worker_row(api, "w2")["running_jobs"] == 1


def test_a_heartbeat_registers_a_worker_not_seen_before(api):
    job_id = running(api)
    api.sql("DELETE FROM jobs.worker")
    call(api, "heartbeat", job_id=job_id, worker="w1")
    assert worker_row(api)["active"] is True


def test_stop_worker_makes_it_inactive(api):
    running(api)
    response = api.rpc("stop_worker", {"worker": "w1"}, **WORKER)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["name"], answer["active"]) == ("w1", False)
    assert answer["stopped_at"] is not None
    assert worker_row(api)["active"] is False
    assert (stats(api)["active_workers"], stats(api)["total_workers"]) == (0, 1)


def test_a_worker_silent_for_more_than_5_minutes_is_inactive(api):
    claim(api, worker="silent")
    claim(api, worker="recent")
    api.sql("UPDATE jobs.worker SET last_seen = now() - interval '5 minutes 1 second'"
            " WHERE name = 'silent'")
    api.sql("UPDATE jobs.worker SET last_seen = now() - interval '4 minutes 50 seconds'"
            " WHERE name = 'recent'")
    assert worker_row(api, "silent")["active"] is False
    assert worker_row(api, "recent")["active"] is True
    assert (stats(api)["active_workers"], stats(api)["total_workers"]) == (1, 2)


def test_stop_worker_of_an_unknown_worker_is_404(api):
    error_of(api.rpc("stop_worker", {"worker": "ghost"}, **WORKER), 404, "PT404")
    assert get_rows(api, "/workers") == []


def test_a_jobs_user_may_not_stop_a_worker(api):
    claim(api, worker="w1")
    error_of(api.rpc("stop_worker", {"worker": "w1"}, role="jobs_user", sub="alice"), 403,
             "42501")
    assert worker_row(api)["active"] is True


def test_a_jobs_user_sees_the_workers(api):
    claim(api, worker="w1")
    assert [w["name"] for w in get_rows(api, "/workers", role="jobs_user", sub="alice")] == ["w1"]


# --- job_stats ----------------------------------------------------------------------------

def test_job_stats_is_one_row_of_zeros_on_an_empty_database(api):
    rows = get_rows(api, "/job_stats")
    assert rows == [{field: 0 for field in STATS_FIELDS}]


def test_job_stats_matches_the_jobs_after_a_mix_of_operations(api):
    submit(api, "waiting")
    submit(api, "waiting")
    submit(api, "later", run_at=(now() + timedelta(hours=1)).isoformat())
    running(api, "busy-1")
    running(api, "busy-2", worker="w2")
    finished(api, "completed", "done")
    finished(api, "failed", "broken")
    retried = running(api, "flaky")
    fail(api, retried, retry=True)  # back to scheduled, after a backoff
    asked = running(api, "asked")
    assert cancel(api, asked) == "cancelling"
    finished(api, "cancelled", "dropped")
    gone = finished(api, "completed", "gone")
    assert api.delete(f"/jobs?id=eq.{gone}").status_code == 204
    submit(api, "held")
    assert api.patch("/queues?name=eq.held", json={"paused": True}).status_code == 204
    call(api, "stop_worker", worker="w2")

    truth = Counter(dict(api.sql("SELECT status::text, count(*) FROM jobs.job GROUP BY 1")))
    assert truth == {"queued": 3, "scheduled": 2, "running": 2, "completed": 1, "failed": 1,
                     "cancelling": 1, "cancelled": 1}
    [(workers, active)] = api.sql(
        "SELECT count(*), count(*) FILTER (WHERE stopped_at IS NULL) FROM jobs.worker")
    assert stats(api) == {
        "total_jobs": sum(truth.values()),
        **{status: truth[status] for status in ("scheduled", "queued", "running", "completed",
                                                "failed", "cancelling", "cancelled")},
        "active_workers": active,
        "total_workers": workers,
    }
    assert (active, workers) == (1, 2)


def test_job_stats_is_readable_by_every_role_and_counts_its_scope(api):
    submit(api)  # the admin's job, in queue q
    for role, seen in (("jobs_user", 0), ("jobs_worker", 1), ("jobs_admin", 1)):
        [row] = get_rows(api, "/job_stats", role=role, sub="x")
        assert row["total_jobs"] == seen, role


# --- cleanup_jobs --------------------------------------------------------------------------

def cleanup(api, **args: Any) -> dict:
    return call(api, "cleanup_jobs", role="jobs_admin", sub="admin", **args)


def test_cleanup_by_default_deletes_jobs_that_ended_more_than_24_hours_ago(api):
    # One name: the newest successful run of a name is never cleaned up.
    old = [finished(api, status, "report") for status in ("completed", "failed", "cancelled")]
    recent = finished(api, "completed", "report")
    for job_id in old:
        shift(api, job_id, "ended_at", 25 * 3600)
    shift(api, recent, "ended_at", 23 * 3600)
    answer = cleanup(api)
    assert answer["cleaned_jobs"] == 3
    assert float(answer["freed_space_mb"]) == 0
    assert isinstance(answer["message"], str) and "3" in answer["message"]
    assert job_ids(api) == [recent]
    assert api.sql("SELECT DISTINCT job_id FROM jobs.job_event") == [(recent,)]


def test_cleanup_honours_max_age_hours(api):
    older = finished(api, "completed", "a")
    younger = finished(api, "completed", "a")
    oldest = finished(api, "failed", "b")
    shift(api, older, "ended_at", 169 * 3600)
    shift(api, younger, "ended_at", 167 * 3600)
    shift(api, oldest, "ended_at", 167 * 3600)
    finished(api, "failed", "b")  # b's newest job
    assert cleanup(api, max_age_hours=168)["cleaned_jobs"] == 1
    assert older not in job_ids(api)
    assert cleanup(api, max_age_hours=1)["cleaned_jobs"] == 1
    # The newest successful run of a (the watermark of last_success) stays.
    assert younger in job_ids(api) and oldest not in job_ids(api)


def test_cleanup_never_deletes_a_waiting_or_running_job_however_old(api):
    kept = [
        submit(api, "queued")["id"],
        submit(api, "scheduled", run_at=(now() + timedelta(hours=1)).isoformat())["id"],
        running(api, "running"),
    ]
    asked = running(api, "cancelling")
    assert cancel(api, asked) == "cancelling"
    kept.append(asked)
    # As old as can be, even with an end time recorded by hand.
    api.sql("UPDATE jobs.job SET created_at = now() - interval '300 hours',"
            " ended_at = now() - interval '200 hours',"
            " started_at = CASE WHEN started_at IS NULL THEN NULL"
            " ELSE now() - interval '250 hours' END")
    before = api.sql("SELECT id, status::text FROM jobs.job ORDER BY id")
    answer = cleanup(api, max_age_hours=1)
    assert answer["cleaned_jobs"] == 0
    assert api.sql("SELECT id, status::text FROM jobs.job ORDER BY id") == before
    assert job_ids(api) == sorted(kept)


def test_cleanup_with_nothing_to_delete_answers_zeros(api):
    finished(api, "completed")
    answer = cleanup(api)
    assert (answer["cleaned_jobs"], float(answer["freed_space_mb"])) == (0, 0)
    assert isinstance(answer["message"], str) and answer["message"]


@pytest.mark.parametrize("hours", [169])  # every bound: test_monitoring.py
def test_cleanup_outside_1_to_168_hours_is_400_naming_the_range(api, hours):
    old = finished(api, "completed")
    shift(api, old, "ended_at", 1000 * 3600)
    body = error_of(api.rpc("cleanup_jobs", {"max_age_hours": hours}), 400, "22023")
    assert "1" in body["message"] and "168" in body["message"]
    assert job_ids(api) == [old]


@pytest.mark.parametrize("role", ["jobs_user", "jobs_worker"])
def test_cleanup_is_for_admins_only(api, role):
    old = finished(api, "completed")
    shift(api, old, "ended_at", 1000 * 3600)
    error_of(api.rpc("cleanup_jobs", {}, role=role, sub="alice"), 403, "42501")
    assert job_ids(api) == [old]


# --- analyst views -----------------------------------------------------------------------

def test_daily_job_stats_counts_outcomes_durations_and_queue_time(api):
    for seconds in (2, 10, 40):
        timed_run(api, "reports", "nightly", seconds, waited=30)
    timed_run(api, "reports", "nightly", 5, outcome="failed", waited=30)
    [row] = get_rows(api, "/daily_job_stats?queue=eq.reports&name=eq.nightly")
    assert row["day"] == now().date().isoformat()
    assert (row["finished"], row["completed"], row["failed"], row["cancelled"]) == (4, 3, 1, 0)
    assert float(row["success_rate"]) == 0.75
    assert near(row["p50_duration"], 10)
    assert near(row["p95_duration"], 40)
    assert near(float(row["mean_queue_time"]), 30, 0.1)


def test_daily_job_stats_counts_cancelled_jobs_outside_the_success_rate(api):
    timed_run(api, "reports", "nightly", 1)
    finished(api, "cancelled", "reports", name="nightly")
    [row] = get_rows(api, "/daily_job_stats?name=eq.nightly")
    assert (row["finished"], row["completed"], row["cancelled"]) == (2, 1, 1)
    assert float(row["success_rate"]) == 1


def test_daily_job_stats_has_one_row_per_day_queue_and_name(api):
    timed_run(api, "reports", "nightly", 1)
    timed_run(api, "reports", "nightly", 1)
    timed_run(api, "reports", "weekly", 1)
    timed_run(api, "exports", "nightly", 1)
    # A run logged after the fact, yesterday (the ETL run log allows that).
    yesterday = now() - timedelta(days=1)
    response = api.post("/etl_jobs", json={
        "name": "nightly", "start_date": (yesterday - timedelta(minutes=1)).isoformat(),
        "end_date": yesterday.isoformat(), "status": "success", "source": "s",
        "destination": "d"})
    assert response.status_code == 201, response.text
    rows = get_rows(api, "/daily_job_stats?order=day,queue,name")
    assert [(r["day"], r["queue"], r["name"], r["finished"]) for r in rows] == [
        (yesterday.date().isoformat(), "etl", "nightly", 1),
        (now().date().isoformat(), "exports", "nightly", 1),
        (now().date().isoformat(), "reports", "nightly", 2),
        (now().date().isoformat(), "reports", "weekly", 1),
    ]


def test_daily_job_stats_leaves_out_jobs_that_have_not_finished(api):
    running(api, "reports", name="nightly")
    submit(api, "reports", name="nightly")
    assert get_rows(api, "/daily_job_stats") == []


def test_duration_percentiles_are_ordered(api):
    for seconds in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89):
        timed_run(api, "reports", "nightly", seconds)
    timed_run(api, "reports", "nightly", 500, outcome="failed")
    [row] = get_rows(api, "/duration_percentiles?queue=eq.reports&name=eq.nightly")
    assert row["runs"] == 10
    assert 0 < row["p50"] <= row["p95"] <= row["p99"]
    assert near(row["p50"], 8, 0.25)
    assert near(row["p99"], 89)
    assert near(float(row["mean_duration"]), 23.1, 0.05)


def test_latest_runs_follows_the_newest_job_through_its_life(api):
    job_id = submit(api, "reports", name="nightly")["id"]
    assert claim(api, "reports") == [job_id]
    shift(api, job_id, "started_at", 60)
    [row] = get_rows(api, "/latest_runs?name=eq.nightly")
    assert (row["job_id"], row["status"]) == (job_id, "running")
    assert near(float(row["age"]), 60, 0.1)
    complete(api, job_id)
    [row] = get_rows(api, "/latest_runs?name=eq.nightly")
    assert row["status"] == "completed"


def test_latest_runs_shows_the_run_before_when_the_newest_is_deleted(api):
    older = finished(api, "completed", "reports", name="nightly")
    newest = finished(api, "failed", "reports", name="nightly")
    assert api.delete(f"/jobs?id=eq.{newest}").status_code == 204
    rows = get_rows(api, "/latest_runs?name=eq.nightly")
    assert [(r["job_id"], r["status"]) for r in rows] == [(older, "completed")]


def test_latest_runs_has_one_row_per_name_after_a_rename(api):
    renamed = submit(api, "reports", name="nightly-draft")["id"]
    newest = submit(api, "reports", name="nightly")["id"]
    assert api.patch(f"/jobs?id=eq.{renamed}", json={"name": "nightly"}).status_code == 204
    rows = get_rows(api, "/latest_runs?order=name")
    assert [(r["name"], r["job_id"]) for r in rows] == [("nightly", newest)]


def test_long_running_jobs_lists_a_job_running_past_its_names_p95(api):
    for _ in range(5):
        timed_run(api, "reports", "nightly", 10)
    slow = running(api, "reports", name="nightly")
    shift(api, slow, "started_at", 120)
    normal = running(api, "reports", name="nightly", worker="w2")
    rows = get_rows(api, "/long_running_jobs")
    assert [r["id"] for r in rows] == [slow]
    [row] = rows
    assert (row["queue"], row["name"], row["worker"], row["past_runs"]) == (
        "reports", "nightly", "w1", 5)
    assert near(row["usual_p95"], 10)
    assert float(row["running_for"]) >= 120
    assert normal not in [r["id"] for r in rows]


def test_long_running_jobs_ignores_names_without_completed_runs(api):
    timed_run(api, "reports", "nightly", 10, outcome="failed")
    job_id = running(api, "reports", name="nightly")
    shift(api, job_id, "started_at", 3600)
    assert get_rows(api, "/long_running_jobs") == []


def test_queue_depth_counts_the_jobs_of_a_paused_queue_as_waiting(api):
    job_id = submit(api, "held")["id"]
    shift(api, job_id, "run_at", 30)
    assert api.patch("/queues?name=eq.held", json={"paused": True}).status_code == 204
    [row] = get_rows(api, "/queue_depth?queue=eq.held")
    assert (row["paused"], row["waiting"]) == (True, 1)
    assert float(row["latency"]) >= 30


def test_queue_depth_of_an_idle_queue_has_no_latency(api):
    finished(api, "completed", "idle")
    [row] = get_rows(api, "/queue_depth?queue=eq.idle")
    assert (row["waiting"], row["scheduled"], row["running"]) == (0, 0, 0)
    assert row["latency"] is None


def test_queue_depth_counts_a_scheduled_job_that_became_due_as_waiting(api):
    job_id = submit(api, "reports", run_at=(now() + timedelta(hours=1)).isoformat())["id"]
    api.sql("UPDATE jobs.job SET run_at = now() - interval '10 minutes' WHERE id = %s", job_id)
    [row] = get_rows(api, "/queue_depth?queue=eq.reports")
    assert (row["waiting"], row["scheduled"]) == (1, 0)
    assert float(row["latency"]) >= 600


def test_analyst_views_are_readable_by_a_jobs_user(api):
    timed_run(api, "reports", "nightly", 1)
    for view in ("daily_job_stats", "duration_percentiles", "latest_runs", "long_running_jobs",
                 "queue_depth"):
        response = api.get(f"/{view}", role="jobs_user", sub="alice")
        assert response.status_code == 200, f"{view}: {response.text}"


def test_analyst_views_need_a_token(api):
    for view in ("daily_job_stats", "duration_percentiles", "latest_runs", "long_running_jobs",
                 "queue_depth", "workers", "job_stats"):
        error_of(api.get(f"/{view}", role=None), 401)
