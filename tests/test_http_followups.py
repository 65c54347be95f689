"""Follow-up jobs, scheduled jobs, partial results and pagination (seed 001),
through the real PostgREST."""

from __future__ import annotations

from typing import Any

from http_helpers import RETURN, get_job, submit

WORKER = {"role": "jobs_worker", "sub": "w1"}


def claim(api, max_jobs: int = 10) -> list[int]:
    r = api.rpc("claim_jobs", {"queues": ["q"], "worker": "w1", "max_jobs": max_jobs}, **WORKER)
    assert r.status_code == 200, r.text
    return [j["id"] for j in r.json()]


def complete(api, job_id: int, **fields: Any) -> dict[str, Any]:
    r = api.rpc("complete_job", {"job_id": job_id, "worker": "w1", **fields}, **WORKER)
    assert r.status_code == 200, r.text
    return r.json()


def fail(api, job_id: int, **fields: Any) -> dict[str, Any]:
    r = api.rpc("fail_job", {"job_id": job_id, "worker": "w1", "error": "boom", **fields},
                **WORKER)
    assert r.status_code == 200, r.text
    return r.json()


def heartbeat(api, job_id: int, **fields: Any) -> dict[str, Any]:
    r = api.rpc("heartbeat", {"job_id": job_id, "worker": "w1", **fields}, **WORKER)
    assert r.status_code == 200, r.text
    return r.json()


def statuses(api, *ids: int) -> list[str]:
    r = api.get(f"/jobs?id=in.({','.join(map(str, ids))})&select=id,status&order=id")
    return [row["status"] for row in r.json()]


# --- follow-up jobs (after_job_id / next_job_id)


def test_a_job_after_a_queued_job_is_scheduled(api):
    first = submit(api)["id"]
    follower = submit(api, after_job_id=first)
    assert (follower["status"], follower["after_job_id"]) == ("scheduled", first)


def test_a_follower_with_a_later_run_at_waits_for_it_after_the_first_completes(api):
    first = submit(api)["id"]
    follower = submit(api, after_job_id=first, run_at="2999-01-01T00:00:00Z")["id"]
    claim(api)
    complete(api, first)
    assert statuses(api, follower) == ["scheduled"]
    assert claim(api) == []
    api.sql("UPDATE jobs.job SET run_at = now() - interval '1 second' WHERE id = %s", follower)
    assert claim(api) == [follower]


def test_other_jobs_are_claimed_and_updated_while_a_follower_waits(api):
    first = submit(api, priority=1)["id"]
    submit(api, after_job_id=first)
    other = submit(api, priority=4)["id"]
    assert claim(api, max_jobs=1) == [other]
    r = api.patch(f"/jobs?id=eq.{first}", json={"priority": 3})
    assert r.status_code == 204, r.text
    assert complete(api, other)["status"] == "completed"


def test_after_an_unknown_job_is_404(api):
    r = api.post("/jobs", json={"name": "x", "after_job_id": 987654}, headers=RETURN)
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "PT404"
    assert api.get("/jobs").json() == []


def test_after_an_already_failed_job_is_409(api):
    first = submit(api, max_attempts=1)["id"]
    claim(api)
    fail(api, first)
    r = api.post("/jobs", json={"name": "x", "after_job_id": first}, headers=RETURN)
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "PT409"
    assert [j["id"] for j in api.get("/jobs?select=id").json()] == [first]


def test_a_jobs_user_can_submit_a_follow_up(api):
    first = api.post("/jobs", json={"name": "a"}, headers=RETURN, role="jobs_user", sub="alice")
    assert first.status_code == 201, first.text
    r = api.post("/jobs", json={"name": "b", "after_job_id": first.json()[0]["id"]},
                 headers=RETURN, role="jobs_user", sub="alice")
    assert r.status_code == 201, r.text
    assert r.json()[0]["status"] == "scheduled"


# --- scheduled jobs (run_at)


# --- partial results while running


def test_heartbeat_finished_items_appends_one_item_or_an_array(api):
    job_id = submit(api)["id"]
    claim(api)
    heartbeat(api, job_id, finished_items="eosdist")
    assert get_job(api, job_id)["finished_items"] == ["eosdist"]
    heartbeat(api, job_id, finished_items=["leaf1", "leaf2"])
    heartbeat(api, job_id, progress=80)  # without items: the list stays
    assert get_job(api, job_id)["finished_items"] == ["eosdist", "leaf1", "leaf2"]


def test_complete_keeps_the_finished_items_and_sets_the_final_result(api):
    job_id = submit(api)["id"]
    claim(api)
    heartbeat(api, job_id, finished_items=["eosdist"], result={"partial": True})
    complete(api, job_id, result={"devices": 1})
    job = get_job(api, job_id)
    assert (job["status"], job["finished_items"], job["result"]) == \
        ("completed", ["eosdist"], {"devices": 1})


# --- page / per_page


def test_limit_and_offset_give_the_second_page(api):
    # per_page=2&page=2 of seed 001 is limit=2&offset=(page - 1) * per_page.
    ids = [submit(api, name=f"job-{i}")["id"] for i in range(5)]
    r = api.get("/jobs?select=id&limit=2&offset=2&order=id")
    assert r.status_code == 200, r.text
    assert [row["id"] for row in r.json()] == ids[2:4]


def test_exact_count_gives_the_total_for_page_numbers(api):
    for i in range(5):
        submit(api, name=f"job-{i}")
    r = api.get("/jobs?select=id&limit=2&offset=2&order=id", headers={"Prefer": "count=exact"})
    assert r.status_code in (200, 206), r.text
    assert r.headers["Content-Range"] == "2-3/5"
