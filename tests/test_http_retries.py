"""Manual retries with lineage (seed 000), through the real PostgREST."""

from __future__ import annotations

from typing import Any

from http_helpers import RETURN, get_job, submit


def all_ids(api) -> list[int]:
    return [row["id"] for row in api.get("/jobs?select=id&order=id").json()]


def claim(api, job_id: int, queue: str = "q") -> None:
    """Claim exactly this job (the only queued one of its queue)."""
    r = api.rpc("claim_jobs", {"queues": [queue], "worker": "w1"}, role="jobs_worker", sub="w1")
    assert r.status_code == 200, r.text
    assert [j["id"] for j in r.json()] == [job_id]


def complete(api, job_id: int, **counters: Any) -> None:
    claim(api, job_id)
    r = api.rpc("complete_job", {"job_id": job_id, "worker": "w1", **counters},
                role="jobs_worker", sub="w1")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "completed"


def fail(api, job_id: int) -> None:
    claim(api, job_id)
    r = api.rpc("fail_job", {"job_id": job_id, "worker": "w1", "error": "boom", "retry": False},
                role="jobs_worker", sub="w1")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "failed"


def retry(api, job_id: int) -> dict[str, Any]:
    r = api.rpc("retry_job", {"job_id": job_id})
    assert r.status_code == 200, r.text
    return r.json()


def failed_job(api, **fields: Any) -> int:
    job_id = submit(api, **fields)["id"]
    fail(api, job_id)
    return job_id


# --- retry_job


def test_retry_of_a_failed_job_answers_a_new_linked_retry_job(api):
    original = failed_job(api, name="export", priority=3, payload={"rows": 7},
                          meta={"flow": "F1"})
    new = retry(api, original)
    assert new["id"] != original
    assert (new["type"], new["status"], new["retry_of"], new["root_job_id"]) == \
        ("retry", "queued", original, original)
    assert (new["queue"], new["name"], new["priority"], new["payload"], new["meta"]) == \
        ("q", "export", 3, {"rows": 7}, {"flow": "F1"})
    assert get_job(api, new["id"]) == new


def test_a_completed_job_without_errors_cannot_be_retried(api):
    original = submit(api)["id"]
    complete(api, original, num_success=10, num_error=0)
    r = api.rpc("retry_job", {"job_id": original})
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "PT409"
    assert all_ids(api) == [original]


def test_retry_of_an_unknown_job_is_404(api):
    r = api.rpc("retry_job", {"job_id": 987654})
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "PT404"
    assert all_ids(api) == []


def test_retry_of_a_jobs_users_own_job_belongs_to_that_user(api):
    r = api.post("/jobs", json={"name": "export", "queue": "q"}, headers=RETURN,
                 role="jobs_user", sub="alice")
    assert r.status_code == 201, r.text
    original = r.json()[0]["id"]
    fail(api, original)
    r = api.rpc("retry_job", {"job_id": original}, role="jobs_user", sub="alice")
    assert r.status_code == 200, r.text
    assert r.json()["owner"] == "alice"


# --- retry_failed_retries


def test_retry_failed_retries_retries_each_failed_retry_once(api):
    original = failed_job(api)
    failed_a = retry(api, original)["id"]
    fail(api, failed_a)
    failed_b = retry(api, original)["id"]
    fail(api, failed_b)
    completed = retry(api, original)["id"]
    complete(api, completed, num_success=1)

    r = api.rpc("retry_failed_retries", {"job_id": original})
    assert r.status_code == 200, r.text
    new = r.json()
    assert sorted(j["retry_of"] for j in new) == [failed_a, failed_b]
    assert {(j["type"], j["status"], j["root_job_id"]) for j in new} == \
        {("retry", "queued", original)}


def test_retry_failed_retries_of_an_unknown_job_is_404(api):
    r = api.rpc("retry_failed_retries", {"job_id": 987654})
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "PT404"


# --- reading lineage back


def test_retries_embed_lists_every_retry_of_the_chain(api):
    original = failed_job(api)
    first = retry(api, original)["id"]
    fail(api, first)
    second = retry(api, first)["id"]
    r = api.get(f"/jobs?id=eq.{original}&select=id,retries(id,status,retry_of)")
    assert r.status_code == 200, r.text
    assert r.json() == [{"id": original, "retries": [
        {"id": first, "status": "failed", "retry_of": original},
        {"id": second, "status": "queued", "retry_of": first},
    ]}]


def test_lineage_totals_count_retries_toward_the_original(api):
    original = submit(api)["id"]
    complete(api, original, num_success=10, num_error=5, num_ignore=2)
    new = retry(api, original)["id"]
    complete(api, new, num_success=4, num_error=1, num_ignore=1)

    fields = "id,totals,retriable"
    r = api.get(f"/jobs?id=in.({original},{new})&select={fields}&order=id")
    assert r.status_code == 200, r.text
    assert r.json() == [
        {"id": original, "retriable": True,
         "totals": {"num_success": 14, "num_error": 1, "num_ignore": 3, "jobs": 2}},
        {"id": new, "retriable": True,
         "totals": {"num_success": 14, "num_error": 1, "num_ignore": 3, "jobs": 2}},
    ]


def test_retriable_is_false_for_clean_completed_and_unfinished_jobs(api):
    clean = submit(api)["id"]
    complete(api, clean, num_success=3)
    queued = submit(api)["id"]
    r = api.get(f"/jobs?id=in.({clean},{queued})&select=id,retriable&order=id")
    assert r.json() == [{"id": clean, "retriable": False}, {"id": queued, "retriable": False}]


def test_jobs_filter_by_type_retry(api):
    original = failed_job(api)
    new = retry(api, original)["id"]
    submit(api)
    r = api.get("/jobs?type=eq.retry&select=id")
    assert r.status_code == 200, r.text
    assert r.json() == [{"id": new}]


def test_jobs_filter_by_meta_flow(api):
    f1 = submit(api, meta={"flow": "F1", "integration": "I"})["id"]
    submit(api, meta={"flow": "F2"})
    submit(api)
    r = api.get("/jobs?meta->>flow=eq.F1&select=id,meta")
    assert r.status_code == 200, r.text
    assert r.json() == [{"id": f1, "meta": {"flow": "F1", "integration": "I"}}]
