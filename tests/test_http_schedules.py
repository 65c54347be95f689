"""Recurring schedules and maintenance over HTTP: the statuses and errors
PostgREST answers (who may do what is in test_http_auth_matrix.py)."""

from __future__ import annotations

from typing import Any

import pytest

RETURN = {"Prefer": "return=representation"}
NIGHTLY = {"name": "nightly", "cron": "0 3 * * *", "job_name": "report",
           "time_zone": "Europe/Berlin", "payload": {"full": True}}


def add(api, **fields: Any) -> dict[str, Any]:
    response = api.post("/schedules", json={**NIGHTLY, **fields}, headers=RETURN)
    assert response.status_code == 201, response.text
    return response.json()[0]


@pytest.mark.parametrize(("fields", "words"), [
    ({"cron": "0 3 * *"}, "expected 5"),
    ({"cron": "0 3 * * mon-fri/0"}, "step"),
    ({"cron": "@every_minute"}, "@every_minute"),
    ({"time_zone": "Europe/Atlantis"}, "Europe/Atlantis"),
    ({"on_missed": "later"}, "schedule_on_missed_is_known"),
])
def test_a_bad_schedule_is_400_with_the_reason_and_nothing_is_stored(api, fields, words):
    response = api.post("/schedules", json={**NIGHTLY, **fields}, headers=RETURN)
    assert response.status_code == 400, response.text
    assert words in response.json()["message"] + (response.json()["details"] or "")
    assert api.get("/schedules").json() == []


def test_a_schedule_is_added_listed_changed_and_removed(api):
    row = add(api)
    assert row["next_fire_at"] and row["owner"] == "admin"
    assert [s["name"] for s in api.get("/schedules").json()] == ["nightly"]
    response = api.patch("/schedules?name=eq.nightly", json={"enabled": False}, headers=RETURN)
    assert response.status_code == 200 and response.json()[0]["next_fire_at"] is None
    response = api.patch("/schedules?name=eq.nightly", json={"cron": "0 99 * * *"})
    assert response.status_code == 400, response.text
    assert api.get("/schedules?select=cron").json() == [{"cron": "0 3 * * *"}]
    assert api.delete("/schedules?name=eq.nightly").status_code == 204
    assert api.get("/schedules").json() == []


def test_a_duplicate_name_is_409(api):
    add(api)
    response = api.post("/schedules", json=NIGHTLY)
    assert response.status_code == 409, response.text


def test_run_schedule_and_the_runs_of_a_schedule(api):
    add(api)
    response = api.rpc("run_schedule", {"name": "nightly"})
    assert response.status_code == 200, response.text
    job = response.json()
    runs = api.get("/jobs?schedule_name=eq.nightly&select=id,fire_at,payload").json()
    assert runs == [{"id": job["id"], "fire_at": job["fire_at"], "payload": {"full": True}}]
    assert api.rpc("run_schedule", {"name": "nope"}).status_code == 404


def test_a_job_fired_by_a_workers_maintenance_belongs_to_the_schedules_owner(api):
    add(api, cron="* * * * *")
    api.sql("UPDATE jobs.schedule SET next_fire_at = date_trunc('minute', now())")
    response = api.rpc("run_maintenance", {}, role="jobs_worker", sub="w1")
    assert response.status_code == 200, response.text
    assert response.json()["schedules_fired"] == 1
    [job] = api.get("/jobs?schedule_name=eq.nightly&select=owner").json()
    assert job == {"owner": "admin"}


def test_maintenance_status_and_a_bad_interval(api):
    assert api.rpc("run_maintenance", {"min_interval_seconds": -5}).status_code == 400
    assert api.get("/maintenance?select=runs").json() == [{"runs": 0}]
    assert api.rpc("run_maintenance", {}).json()["ran"] is True
    [status] = api.get("/maintenance").json()
    assert (status["mode"], status["runs"]) == ("workers", 1)
    assert status["last_result"]["ran"] is True
    response = api.patch("/maintenance", json={"history_days": 0})
    assert response.status_code == 400, response.text
    assert api.get("/maintenance?select=history_days").json() == [{"history_days": 400}]


def test_next_due_answers_the_seconds_until_the_next_scheduled_job(api):
    assert api.rpc("next_due", {"queues": ["q"]}).json() is None
    api.post("/jobs", json={"name": "later", "queue": "q",
                            "run_at": "2999-01-01T00:00:00Z"})
    due = api.rpc("next_due", {"queues": ["q"]}).json()
    assert due > 3600 * 24 * 365
    assert api.rpc("next_due", {"queues": ["elsewhere"]}).json() is None
