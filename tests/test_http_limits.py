"""Limits on what a job holds (sql/20_internals/limits.sql), through the
routes: nesting depth (400), sizes and lengths (413), jobs per POST (413);
each answer names the limit and the value, and nothing is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

RETURN = {"Prefer": "return=representation"}
WORKER = {"role": "jobs_worker", "sub": "w1"}


def nested(depth: int) -> Any:
    """A value whose innermost item is `depth` levels below the top."""
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def jobs_stored(api) -> int:
    return api.sql("SELECT count(*) FROM jobs.job")[0][0]


def running(api, **fields: Any) -> int:
    job = api.post("/jobs", json={"name": "n", "queue": "q", **fields}, headers=RETURN).json()[0]
    claimed = api.rpc("claim_jobs", {"queues": ["q"], "worker": "w1"}, **WORKER).json()
    assert [j["id"] for j in claimed] == [job["id"]]
    return job["id"]


@pytest.mark.parametrize("field", ["payload", "meta"])
def test_64_levels_pass_and_65_are_400_with_nothing_stored(api, field):
    deep = {"wrap": nested(63)} if field == "meta" else nested(64)
    assert api.post("/jobs", json={"name": "ok", field: deep}).status_code == 201
    too_deep = {"wrap": nested(64)} if field == "meta" else nested(65)
    response = api.post("/jobs", json={"name": "deep", field: too_deep})
    assert response.status_code == 400, response.text
    assert response.json()["message"] == f"{field} is nested deeper than 64 levels"
    assert jobs_stored(api) == 1


def test_a_job_deeper_than_python_can_read_never_gets_in(api):
    """2,000 levels stopped every Python worker's JSON decoder."""
    body = '{"name": "poison", "payload": ' + "[" * 2000 + "]" * 2000 + "}"
    response = api.post("/jobs", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert jobs_stored(api) == 0


def test_a_payload_over_the_queues_size_is_413_until_an_admin_raises_it(api):
    big = {"blob": "x" * (1024 * 1024)}
    response = api.post("/jobs", json={"name": "big", "queue": "q", "payload": big})
    assert response.status_code == 413, response.text
    message = response.json()["message"]
    assert message.startswith("payload is 10485") and message.endswith(
        "bytes; queue q allows at most 1048576")
    assert jobs_stored(api) == 0
    assert api.post("/queues", json={"name": "q", "max_payload_bytes": 4 * 1024 * 1024}
                    ).status_code == 201
    assert api.post("/jobs", json={"name": "big", "queue": "q", "payload": big}
                    ).status_code == 201
    response = api.patch("/queues?name=eq.q", json={"max_payload_bytes": 1000})
    assert response.status_code == 400 and "queue_max_payload_bytes_in_range" in response.text


def test_a_result_too_deep_or_too_big_is_refused_and_the_job_runs_on(api):
    job_id = running(api)
    for result, status in ((nested(65), 400), ({"blob": "x" * (1024 * 1024)}, 413)):
        response = api.rpc("complete_job", {"job_id": job_id, "worker": "w1", "result": result},
                           **WORKER)
        assert response.status_code == status, response.text
        assert response.json()["message"].startswith("result is ")
    beat = api.rpc("heartbeat", {"job_id": job_id, "worker": "w1", "result": nested(70)},
                   **WORKER)
    assert beat.status_code == 400, beat.text
    assert api.sql("SELECT status::text, result FROM jobs.job") == [("running", None)]


@pytest.mark.parametrize(("rpc", "field", "limit"), [("heartbeat", "message", 10_000),
                                                     ("fail_job", "error", 10_000),
                                                     ("fail_job", "stacktrace", 100_000)])
def test_texts_over_their_length_are_413(api, rpc, field, limit):
    job_id = running(api)
    args = {"job_id": job_id, "worker": "w1", field: "x" * (limit + 1)}
    if rpc == "fail_job":
        args.setdefault("error", "boom")
    response = api.rpc(rpc, args, **WORKER)
    assert response.status_code == 413, response.text
    assert response.json()["message"] == \
        f"{field} is {limit + 1} characters long; at most {limit}"
    assert api.sql("SELECT status::text, error, message FROM jobs.job") == \
        [("running", None, None)]
    args[field] = "x" * limit
    assert api.rpc(rpc, args, **WORKER).status_code == 200


def test_a_post_of_more_than_10000_jobs_is_413_and_stores_none(api):
    rows = [{"name": "bulk"}] * 10_001
    response = api.post("/jobs", content=json.dumps(rows),
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["message"] == "a request may submit at most 10000 jobs, not 10001"
    assert jobs_stored(api) == 0
    assert api.post("/jobs", json=rows[:10_000]).status_code == 201
    assert jobs_stored(api) == 10_000
