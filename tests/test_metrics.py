"""GET /rpc/metrics, read by Prometheus's own parser (prometheus_client) and
checked against what the API itself says after a known workload: the
counts of /queues, the run history, /job_stats and /maintenance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from http_helpers import call, error_of, submit, submit_many

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(api: Any, token: str) -> Samples:
    """Every sample of one scrape, by name and labels."""
    response = api.client.get("/rpc/metrics", headers={"Authorization": f"Bearer {token}",
                                                       "Accept": "text/plain"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            key = (s.name, tuple(sorted(s.labels.items())))
            assert key not in samples, f"{key} twice"
            samples[key] = s.value
    return samples


def queue_samples(samples: Samples, name: str, queue: str) -> dict[tuple[tuple[str, str], ...],
                                                                     float]:
    return {labels: v for (n, labels), v in samples.items()
            if n == name and dict(labels).get("queue") == queue}


def workload(api: Any) -> None:
    """In queue mq: 3 jobs completed, 2 failed for good, 1 failed and retried
    (it waits again), 1 cancelled before it ran, 2 left queued."""
    submit_many(api, [{"queue": "mq", "name": "n"} for _ in range(9)])
    claimed = call(api, "claim_jobs", queues=["mq"], worker="w1", max_jobs=6)
    ids = [job["id"] for job in claimed]
    assert len(ids) == 6
    call(api, "complete_jobs", results=[{"job_id": i} for i in ids[:3]], worker="w1")
    call(api, "fail_jobs", failures=[{"job_id": i, "error": "no", "retry": False}
                                     for i in ids[3:5]], worker="w1")
    call(api, "fail_jobs", failures=[{"job_id": ids[5], "error": "again"}], worker="w1")
    queued = [row[0] for row in api.sql("SELECT id FROM jobs.job WHERE queue = 'mq'"
                                        " AND status = 'queued' ORDER BY id")]
    call(api, "cancel_job", role="jobs_admin", sub="admin", job_id=queued[0])


def test_a_scrape_agrees_with_the_apis_own_counts(api):
    workload(api)
    samples = scrape(api, api.token("jobs_admin", "admin"))

    [queue] = [q for q in api.get("/queues?name=eq.mq").json()]
    jobs = {dict(labels)["status"]: v
            for labels, v in queue_samples(samples, "jobsapi_jobs", "mq").items()}
    statuses = {s for s in jobs}
    assert statuses == {"scheduled", "queued", "running", "completed", "failed", "cancelling",
                        "cancelled"}
    assert jobs == {s: queue["counts"].get(s, 0) for s in statuses}
    assert (jobs["completed"], jobs["failed"], jobs["cancelled"], jobs["queued"]) == (3, 2, 1, 2)

    def counter(name: str) -> float:
        return samples[(name, (("queue", "mq"),))]

    daily = api.get("/daily_job_stats?queue=eq.mq").json()
    assert counter("jobsapi_jobs_completed_total") == sum(r["completed"] for r in daily) == 3
    assert counter("jobsapi_jobs_failed_total") == sum(r["failed"] for r in daily) == 2
    assert counter("jobsapi_jobs_cancelled_total") == sum(r["cancelled"] for r in daily) == 1
    assert counter("jobsapi_jobs_retried_total") == sum(r["retried"] for r in daily) == 1

    # The run durations: the 5 jobs that ran to their end, in cumulative buckets.
    buckets = sorted((float(dict(labels)["le"]), v) for labels, v in
                     queue_samples(samples, "jobsapi_job_duration_seconds_bucket", "mq").items())
    assert buckets[-1] == (float("inf"), 5)
    assert [v for _, v in buckets] == sorted(v for _, v in buckets)
    assert counter("jobsapi_job_duration_seconds_count") == 5
    assert counter("jobsapi_job_duration_seconds_sum") >= 0

    [stats] = api.get("/job_stats").json()
    assert samples[("jobsapi_workers_active", ())] == stats["active_workers"] == 1
    assert samples[("jobsapi_queue_paused", (("queue", "mq"),))] == 0


def test_the_oldest_due_job_and_maintenance_are_measured_from_now(api):
    submit(api, "old", run_at="2026-01-01T00:00:00Z")
    submit(api, "idle")
    call(api, "claim_jobs", queues=["idle"], worker="w1", max_jobs=1)
    assert call(api, "run_maintenance", role="jobs_admin", sub="admin")["ran"] is True
    before = datetime.now().astimezone()
    samples = scrape(api, api.token("jobs_metrics", "prometheus"))
    due = datetime.fromisoformat("2026-01-01T00:00:00+00:00")
    age = samples[("jobsapi_oldest_due_job_age_seconds", (("queue", "old"),))]
    assert age >= (before - due).total_seconds()
    assert samples[("jobsapi_oldest_due_job_age_seconds", (("queue", "idle"),))] == 0
    [maintenance] = api.get("/maintenance").json()
    finished = datetime.fromisoformat(maintenance["last_finished_at"]).timestamp()
    assert samples[("jobsapi_maintenance_last_run_timestamp_seconds", ())] == \
        pytest.approx(finished, abs=0.001)


def test_a_paused_queue_and_odd_queue_names_are_written_as_the_format_says(api):
    name = 'we"ird\\queue\nname'
    submit(api, name)
    response = api.patch("/queues", params={"name": f"eq.{name}"}, json={"paused": True})
    assert response.status_code in (200, 204), response.text
    samples = scrape(api, api.token("jobs_admin", "admin"))
    assert samples[("jobsapi_queue_paused", (("queue", name),))] == 1
    assert samples[("jobsapi_jobs", (("queue", name), ("status", "queued")))] == 1


def test_a_worker_token_sees_its_own_queues_alone(api):
    submit(api, "mine")
    submit(api, "theirs")
    samples = scrape(api, api.token("jobs_worker", "w1", queues=["mine"]))
    queues = {dict(labels).get("queue") for _, labels in samples} - {None}
    assert queues == {"mine"}


def test_users_and_callers_without_a_token_may_not_scrape(api):
    error_of(api.get("/rpc/metrics", role="jobs_user", sub="alice"), 403, "42501")
    error_of(api.get("/rpc/metrics", role=None), 401)


def test_a_metrics_token_reads_nothing_else(api):
    submit(api, "q")
    token = api.token("jobs_metrics", "prometheus")
    for path in ("/jobs", "/queues", "/job_events", "/workers"):
        response = api.client.get(path, headers={"Authorization": f"Bearer {token}"})
        error_of(response, 403, "42501")
    response = api.client.post("/rpc/claim_jobs", json={"worker": "x"},
                               headers={"Authorization": f"Bearer {token}"})
    error_of(response, 403, "42501")
    assert api.sql("SELECT status::text FROM jobs.job") == [("queued",)]
