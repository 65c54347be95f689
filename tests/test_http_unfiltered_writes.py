"""A PATCH or DELETE without a filter is refused with 400 before it changes
anything (sql/20_internals/unfiltered_writes.sql): PostgREST would otherwise
change every row in reach, and it ignores a body that looks like a filter."""

from __future__ import annotations

import pytest

RETURN = {"Prefer": "return=representation"}
SNAPSHOT = """SELECT jsonb_build_object(
    'jobs', (SELECT jsonb_agg(to_jsonb(j) ORDER BY j.id) FROM jobs.job AS j),
    'locks', (SELECT jsonb_agg(to_jsonb(h) ORDER BY h.name) FROM jobs.job_lock AS h),
    'queues', (SELECT jsonb_agg(to_jsonb(q) ORDER BY q.name) FROM jobs.queue AS q),
    'files', (SELECT jsonb_agg(to_jsonb(f) ORDER BY f.id) FROM jobs.job_file AS f),
    'schedules', (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.name) FROM jobs.schedule AS s))"""


@pytest.fixture
def seeded(api):
    """Two of everything a PATCH or DELETE can reach."""
    for name in ("a", "b"):
        job = api.post("/jobs", json={"name": name, "queue": f"q{name}"}, headers=RETURN).json()[0]
        api.post("/job_files", json={"job_id": job["id"], "name": f"{name}.csv"})
        api.rpc("acquire_lock", {"name": f"devices-{name}"})
        api.post("/schedules", json={"name": f"s{name}", "cron": "@daily", "job_name": name})
    api.post("/etl_jobs", json={"name": "etl", "status": "in_progress", "source": "s",
                                "destination": "d"})
    api.sql("UPDATE jobs.job SET status = 'running'")
    api.sql("UPDATE jobs.job SET status = 'completed'")
    return api


@pytest.mark.parametrize(("method", "path", "body"), [
    ("PATCH", "/jobs", {"priority": 4}),
    ("DELETE", "/jobs", None),
    ("DELETE", "/job_locks", None),
    ("PATCH", "/queues", {"paused": True}),
    ("DELETE", "/queues", None),
    ("PATCH", "/job_files", {"name": "x.csv"}),
    ("DELETE", "/job_files", None),
    ("PATCH", "/schedules", {"enabled": False}),
    ("DELETE", "/schedules", None),
    ("PATCH", "/etl_jobs", {"message": "x"}),
    ("DELETE", "/etl_jobs", None),
])
def test_an_unfiltered_write_is_400_and_changes_nothing(seeded, method, path, body):
    before = seeded.sql(SNAPSHOT)
    response = seeded.request(method, path, json=body)
    assert response.status_code == 400, response.text
    assert response.json()["message"].startswith(f"{method} {path} needs a filter, e.g.")
    assert seeded.sql(SNAPSHOT) == before


def test_seed_001s_delete_with_a_body_is_refused_and_says_how(seeded):
    before = seeded.sql("SELECT name FROM jobs.job_lock ORDER BY name")
    response = seeded.delete("/job_locks", json={"name": "devices-a"})
    assert response.status_code == 400, response.text
    assert "DELETE /job_locks?name=eq.devices" in response.json()["message"]
    assert "a body does not filter" in response.json()["details"]
    assert seeded.sql("SELECT name FROM jobs.job_lock ORDER BY name") == before
    assert seeded.delete("/job_locks?name=eq.devices-a").status_code == 204
    assert seeded.sql("SELECT name FROM jobs.job_lock") == [("devices-b",)]


def test_a_filter_that_matches_every_row_is_still_a_filter(seeded):
    response = seeded.patch("/jobs?id=gt.0", json={"priority": 4})
    assert response.status_code == 204, response.text
    assert seeded.sql("SELECT DISTINCT priority FROM jobs.job") == [(4,)]


def test_the_single_row_of_maintenance_needs_no_filter(api):
    assert api.patch("/maintenance", json={"history_days": 30}).status_code == 204


def test_sql_sessions_are_not_checked(api):
    api.post("/jobs", json={"name": "a"})
    api.sql("UPDATE jobs.job SET priority = 3")
    assert api.sql("SELECT priority FROM jobs.job") == [(3,)]
