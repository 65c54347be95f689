"""Named locks (seeds 000 and 001): one running job per flow, locks listed
and cleared by hand, through the real PostgREST."""

from __future__ import annotations

from typing import Any

from http_helpers import RETURN, submit

WORKER = {"role": "jobs_worker", "sub": "w1"}


def claim(api, worker: str = "w1", max_jobs: int = 1, queue: str = "q") -> list[int]:
    r = api.rpc("claim_jobs", {"queues": [queue], "worker": worker, "max_jobs": max_jobs},
                role="jobs_worker", sub=worker)
    assert r.status_code == 200, r.text
    return [j["id"] for j in r.json()]


def locks(api) -> list[dict[str, Any]]:
    r = api.get("/job_locks?order=name")
    assert r.status_code == 200, r.text
    return r.json()


def status(api, job_id: int) -> str:
    return api.get(f"/jobs?id=eq.{job_id}&select=status").json()[0]["status"]


# --- claim_jobs and job locks


def test_job_locks_lists_held_locks_with_holder_and_time(api):
    job_id = submit(api, locks=["flow:F1", "devices"])["id"]
    assert claim(api) == [job_id]
    held = locks(api)
    assert [(lock["name"], lock["job_id"], lock["worker"]) for lock in held] == \
        [("devices", job_id, "w1"), ("flow:F1", job_id, "w1")]
    assert all(lock["acquired_at"] for lock in held)


def test_a_jobs_user_lists_the_locks_of_its_own_jobs_only(api):
    r = api.post("/jobs", json={"name": "sync", "queue": "q", "locks": ["flow:F1"]},
                 headers=RETURN, role="jobs_user", sub="alice")
    assert r.status_code == 201, r.text
    job_id = r.json()[0]["id"]
    assert claim(api) == [job_id]
    r = api.get("/job_locks?select=name,job_id", role="jobs_user", sub="alice")
    assert r.status_code == 200, r.text
    assert r.json() == [{"name": "flow:F1", "job_id": job_id}]
    r = api.get("/job_locks?select=name,job_id", role="jobs_user", sub="bob")
    assert r.status_code == 200, r.text
    assert r.json() == []


# --- acquire_lock / release_lock


def test_acquire_lock_answers_the_lock(api):
    r = api.rpc("acquire_lock", {"name": "devices"}, role="jobs_worker", sub="script1")
    assert r.status_code == 200, r.text
    lock = r.json()
    assert (lock["name"], lock["job_id"], lock["worker"]) == ("devices", None, "script1")
    assert lock["acquired_at"]
    assert locks(api) == [lock]


def test_acquire_lock_twice_is_409(api):
    assert api.rpc("acquire_lock", {"name": "devices"}).status_code == 200
    r = api.rpc("acquire_lock", {"name": "devices"}, role="jobs_worker", sub="script2")
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "PT409"
    assert [lock["worker"] for lock in locks(api)] == ["admin"]


def test_acquire_lock_for_a_job_that_is_not_running_is_409(api):
    job_id = submit(api)["id"]
    r = api.rpc("acquire_lock", {"name": "devices", "job_id": job_id})
    assert r.status_code == 409 and r.json()["code"] == "PT409"
    assert locks(api) == []


def test_acquire_lock_for_an_unknown_job_is_404(api):
    r = api.rpc("acquire_lock", {"name": "devices", "job_id": 987654})
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "PT404"
    assert locks(api) == []


def test_release_lock_answers_the_released_lock(api):
    api.rpc("acquire_lock", {"name": "devices"})
    r = api.rpc("release_lock", {"name": "devices"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "devices"
    assert locks(api) == []


def test_release_of_a_lock_not_held_is_404(api):
    r = api.rpc("release_lock", {"name": "nobody-holds-this"})
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "PT404"


def test_admin_deletes_a_stale_lock(api):
    job_id = submit(api, locks=["flow:F1"])["id"]
    second = submit(api, locks=["flow:F1"])["id"]
    claim(api)
    r = api.delete("/job_locks?name=eq.flow:F1")
    assert r.status_code == 204, r.text
    assert locks(api) == []
    assert status(api, job_id) == "running"
    assert claim(api, worker="w2") == [second]


def test_a_jobs_user_cannot_delete_a_lock(api):
    api.rpc("acquire_lock", {"name": "devices"})
    r = api.delete("/job_locks?name=eq.devices", role="jobs_user", sub="alice")
    assert r.status_code in (401, 403), r.text
    assert r.json()["code"] == "42501"
    assert [lock["name"] for lock in locks(api)] == ["devices"]


def test_no_token_cannot_list_locks(api):
    r = api.get("/job_locks", role=None)
    assert r.status_code == 401, r.text


# --- jobs that stop running give their locks back


def test_a_lock_taken_by_acquire_lock_for_a_job_goes_when_the_job_stops(api):
    job_id = submit(api)["id"]
    assert claim(api) == [job_id]
    assert api.rpc("acquire_lock", {"name": "devices", "job_id": job_id}).status_code == 200
    assert api.rpc("cancel_job", {"job_id": job_id}).json()["status"] == "cancelling"
    assert [lock["name"] for lock in locks(api)] == ["devices"]
    beat = api.rpc("heartbeat", {"job_id": job_id, "worker": "w1"}, role="jobs_worker", sub="w1")
    assert beat.json()["status"] == "cancelled"
    assert locks(api) == []


def test_patching_a_job_with_locks_to_running_is_refused(api):
    job_id = submit(api, locks=["flow:F1"])["id"]
    r = api.patch(f"/jobs?id=eq.{job_id}", json={"status": "running"})
    assert r.status_code == 409 and r.json()["code"] == "PT409"
    assert status(api, job_id) == "queued"
    r = api.post("/jobs", json={"name": "x", "status": "running", "locks": ["flow:F1"]})
    assert r.status_code == 409 and r.json()["code"] == "PT409"


# --- one running job per flow, under concurrency


FLOW = "flow:F-concurrent"


def test_release_lock_of_someone_else_is_403_and_keeps_it(api):
    taken = api.rpc("acquire_lock", {"name": "etl:nightly"}, role="jobs_user", sub="alice")
    assert taken.status_code == 200, taken.text
    r = api.rpc("release_lock", {"name": "etl:nightly"}, role="jobs_worker", sub="bob")
    assert r.status_code == 403 and r.json()["code"] == "PT403"
    assert [row["name"] for row in api.get("/job_locks").json()] == ["etl:nightly"]
    mine = api.rpc("release_lock", {"name": "etl:nightly"}, role="jobs_user", sub="alice")
    assert mine.status_code == 200, mine.text
