"""Queues with per-status counts, queue_jobs pages, retention and job files
(seeds 000 and 002), through the real PostgREST."""

from __future__ import annotations

from typing import Any

from http_helpers import RETURN, submit

WORKER = {"role": "jobs_worker", "sub": "w1"}
STATUSES = ("scheduled", "queued", "running", "completed", "failed", "cancelling", "cancelled",
            "paused")


def submit_many(api, n: int, queue: str = "q", **fields: Any) -> list[int]:
    rows = [{"name": f"ingest-{i}", "queue": queue, **fields} for i in range(n)]
    r = api.post("/jobs", json=rows, headers=RETURN)
    assert r.status_code == 201, r.text
    return [row["id"] for row in r.json()]


def claim(api, queue: str = "q", max_jobs: int = 1) -> list[int]:
    r = api.rpc("claim_jobs", {"queues": [queue], "worker": "w1", "max_jobs": max_jobs}, **WORKER)
    assert r.status_code == 200, r.text
    return [j["id"] for j in r.json()]


def complete(api, *ids: int) -> None:
    r = api.rpc("complete_jobs", {"results": [{"job_id": i} for i in ids], "worker": "w1"},
                **WORKER)
    assert r.status_code == 200, r.text
    assert sorted(j["id"] for j in r.json()) == sorted(ids)


def fail(api, *ids: int, retry: bool = False) -> list[dict[str, Any]]:
    failures = [{"job_id": i, "error": f"Error: timeout {i}", "stacktrace": f"at line {i}",
                 "retry": retry} for i in ids]
    r = api.rpc("fail_jobs", {"failures": failures, "worker": "w1"}, **WORKER)
    assert r.status_code == 200, r.text
    return r.json()


def counts(api, queue: str = "q") -> dict[str, int]:
    r = api.get(f"/queues?name=eq.{queue}&select=counts")
    assert r.status_code == 200, r.text
    [row] = r.json()
    return row["counts"]


def expected_counts(**given: int) -> dict[str, int]:
    return {status: given.get(status, 0) for status in STATUSES}


def create_queue(api, name: str, **settings: Any) -> dict[str, Any]:
    r = api.post("/queues", json={"name": name, **settings}, headers=RETURN)
    assert r.status_code == 201, r.text
    return r.json()[0]


def queue_jobs(api, **args: Any) -> dict[str, Any]:
    r = api.rpc("queue_jobs", args)
    assert r.status_code == 200, r.text
    return r.json()


def ids_of(api, queue: str = "q") -> list[int]:
    return [j["id"] for j in api.get(f"/jobs?queue=eq.{queue}&select=id&order=id").json()]


# --- counts per status


def test_queues_lists_every_queue_with_a_jobs_users_own_counts(api):
    submit(api, queue="ingestion")
    submit(api, queue="indexing")
    r = api.post("/jobs", json={"name": "mine", "queue": "indexing"},
                 role="jobs_user", sub="alice")
    assert r.status_code == 201, r.text
    r = api.get("/queues?select=name,counts&order=name", role="jobs_user", sub="alice")
    assert r.status_code == 200, r.text
    assert r.json() == [{"name": "indexing", "counts": expected_counts(queued=1)},
                        {"name": "ingestion", "counts": expected_counts()}]


def test_queues_without_a_token_is_401(api):
    assert api.get("/queues", role=None).status_code == 401


# --- pausing


def pause(api, queue: str, paused: bool) -> None:
    r = api.patch(f"/queues?name=eq.{queue}", json={"paused": paused})
    assert r.status_code == 204, r.text


def test_a_paused_queue_counts_its_queued_jobs_as_paused(api):
    submit_many(api, 2)
    pause(api, "q", True)
    assert counts(api) == expected_counts(paused=2)
    assert api.get("/queues?name=eq.q&select=paused").json() == [{"paused": True}]


def test_pausing_one_queue_leaves_the_others_claimable(api):
    submit(api, queue="q")
    other = submit(api, queue="other")["id"]
    pause(api, "q", True)
    r = api.rpc("claim_jobs", {"worker": "w1", "max_jobs": 5}, **WORKER)
    assert [j["id"] for j in r.json()] == [other]


def test_a_jobs_user_cannot_pause_a_queue(api):
    submit(api)
    r = api.patch("/queues?name=eq.q", json={"paused": True}, role="jobs_user", sub="alice")
    assert r.status_code in (401, 403), r.text
    assert r.json()["code"] == "42501"
    assert api.get("/queues?name=eq.q&select=paused").json() == [{"paused": False}]


# --- creating, changing and deleting queues


def test_post_queues_creates_a_queue_with_its_settings(api):
    created = create_queue(api, "ingestion", keep_completed=1000, keep_failed=5000,
                           max_attempts=5, backoff_seconds=2, max_backoff_seconds=60)
    r = api.get("/queues?name=eq.ingestion&select=name,paused,keep_completed,keep_failed,"
                "max_attempts,backoff_seconds,max_backoff_seconds,counts")
    assert r.json() == [{"name": "ingestion", "paused": False, "keep_completed": 1000,
                         "keep_failed": 5000, "max_attempts": 5, "backoff_seconds": 2,
                         "max_backoff_seconds": 60, "counts": expected_counts()}]
    assert created["name"] == "ingestion"


def test_post_queues_fills_unset_settings_with_defaults(api):
    create_queue(api, "plain")
    r = api.get("/queues?name=eq.plain&select=max_attempts,keep_completed,keep_failed")
    assert r.json() == [{"max_attempts": 3, "keep_completed": 1000, "keep_failed": 5000}]


def test_zero_max_attempts_is_400(api):
    r = api.post("/queues", json={"name": "bad", "max_attempts": 0})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "23514"
    assert api.get("/queues?name=eq.bad").json() == []


def test_patch_with_a_bad_setting_is_400_and_changes_nothing(api):
    create_queue(api, "q", keep_completed=7)
    r = api.patch("/queues?name=eq.q", json={"keep_completed": -5})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "23514"
    assert api.get("/queues?name=eq.q&select=keep_completed").json() == [{"keep_completed": 7}]


def test_a_queue_cannot_be_renamed(api):
    create_queue(api, "q")
    r = api.patch("/queues?name=eq.q", json={"name": "z"})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "22023"
    assert [q["name"] for q in api.get("/queues?select=name").json()] == ["q"]


def test_a_duplicate_queue_is_409(api):
    create_queue(api, "q")
    r = api.post("/queues", json={"name": "q"})
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "23505"


def test_a_jobs_user_cannot_create_a_queue(api):
    r = api.post("/queues", json={"name": "mine"}, role="jobs_user", sub="alice")
    assert r.status_code in (401, 403), r.text
    assert r.json()["code"] == "42501"


def test_deleting_a_queue_that_has_jobs_is_409(api):
    submit(api)
    r = api.delete("/queues?name=eq.q")
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "PT409"
    assert [q["name"] for q in api.get("/queues?select=name").json()] == ["q"]


def test_deleting_an_empty_queue_removes_it(api):
    create_queue(api, "empty")
    r = api.delete("/queues?name=eq.empty")
    assert r.status_code == 204, r.text
    assert api.get("/queues?name=eq.empty").json() == []


# --- queue_jobs


def failed_jobs(api, n: int, queue: str = "q") -> list[int]:
    """n failed runs of one name (retention keeps a name's newest job)."""
    ids = submit_many(api, n, queue=queue, max_attempts=1, name="ingest")
    assert claim(api, queue=queue, max_jobs=n) == ids
    assert {j["status"] for j in fail(api, *ids)} == {"failed"}
    return ids


def test_queue_jobs_defaults_to_failed_jobs_page_1_of_size_10(api):
    [failed] = failed_jobs(api, 1)
    submit(api)
    answer = queue_jobs(api, queue="q")
    assert answer["name"] == "q"
    assert answer["counts"] == expected_counts(queued=1, failed=1)
    assert answer["pagination"] == {"current_page": 1, "total_pages": 1, "total_jobs": 1,
                                    "page_size": 10}
    [job] = answer["jobs"]
    assert (job["id"], job["status"], job["error"], job["stacktrace"], job["attempts"]) == \
        (failed, "failed", f"Error: timeout {failed}", f"at line {failed}", 1)


def test_queue_jobs_pages_through_25_failed_jobs(api):
    ids = failed_jobs(api, 25)
    first = queue_jobs(api, queue="q", page=1, page_size=10)
    third = queue_jobs(api, queue="q", page=3, page_size=10)
    assert [j["id"] for j in first["jobs"]] == ids[::-1][:10]  # newest first
    assert [j["id"] for j in third["jobs"]] == ids[::-1][20:]
    assert third["pagination"] == {"current_page": 3, "total_pages": 3, "total_jobs": 25,
                                   "page_size": 10}
    beyond = queue_jobs(api, queue="q", page=4)
    assert beyond["jobs"] == []
    assert beyond["pagination"]["total_jobs"] == 25


def test_queue_jobs_works_with_get(api):
    done = submit(api)["id"]
    claim(api)
    complete(api, done)
    r = api.get("/rpc/queue_jobs?queue=q&status=completed")
    assert r.status_code == 200, r.text
    assert [j["id"] for j in r.json()["jobs"]] == [done]


def test_queue_jobs_of_an_unknown_queue_is_404(api):
    r = api.rpc("queue_jobs", {"queue": "nope"})
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "PT404"


def test_queue_jobs_with_an_unknown_status_is_400(api):
    submit(api)
    r = api.rpc("queue_jobs", {"queue": "q", "status": "exploded"})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "22023"


# A paused queue's queued jobs count as paused: the page and its total agree.
def test_queue_jobs_total_matches_its_jobs_for_queued_of_a_paused_queue(api):
    submit_many(api, 3)
    pause(api, "q", True)
    answer = queue_jobs(api, queue="q", status="queued")
    assert len(answer["jobs"]) == answer["pagination"]["total_jobs"] == answer["counts"]["queued"]


def test_queue_jobs_total_matches_its_jobs_for_paused_of_an_active_queue(api):
    submit_many(api, 3)
    answer = queue_jobs(api, queue="q", status="paused")
    assert len(answer["jobs"]) == answer["pagination"]["total_jobs"] == answer["counts"]["paused"]


# --- a queue's max_attempts


def test_a_jobs_own_max_attempts_wins_over_its_queues(api):
    create_queue(api, "q", max_attempts=1)
    job_id = submit(api, max_attempts=3)["id"]
    claim(api)
    assert fail(api, job_id, retry=True)[0]["status"] == "scheduled"


# --- prune_jobs


def completed_jobs(api, n: int, queue: str = "q") -> list[int]:
    """n completed runs of one name (retention keeps a name's newest successful run)."""
    ids = submit_many(api, n, queue=queue, name="ingest")
    assert claim(api, queue=queue, max_jobs=n) == ids
    complete(api, *ids)
    return ids


def attach(api, job_id: int, name: str = "export.csv", size: int = 100) -> dict[str, Any]:
    r = api.post("/job_files", json={"job_id": job_id, "name": name, "host": "h1",
                                      "path": f"/data/{name}", "size_bytes": size},
                 headers=RETURN)
    assert r.status_code == 201, r.text
    return r.json()[0]


def prune(api) -> list[dict[str, Any]]:
    r = api.rpc("prune_jobs")
    assert r.status_code == 200, r.text
    return r.json()


def test_prune_keeps_the_newest_completed_jobs_of_a_queue(api):
    create_queue(api, "q", keep_completed=3)
    done = completed_jobs(api, 5)
    waiting = submit_many(api, 2)
    assert prune(api) == [{"queue": "q", "reason": "keep_completed", "deleted": 2}]
    assert ids_of(api) == done[2:] + waiting


def test_prune_is_for_admins_only(api):
    create_queue(api, "q", keep_completed=0)
    completed_jobs(api, 1)
    for role in ("jobs_user", "jobs_worker"):
        r = api.rpc("prune_jobs", role=role, sub="alice")
        assert r.status_code in (401, 403), r.text
        assert r.json()["code"] == "42501"
    assert len(ids_of(api)) == 1


# --- job files


def test_post_job_files_attaches_a_file(api):
    job_id = submit(api)["id"]
    f = attach(api, job_id, "export.csv", 1234)
    assert (f["job_id"], f["kind"], f["name"], f["host"], f["size_bytes"]) == \
        (job_id, "file", "export.csv", "h1", 1234)


def test_files_are_embedded_in_jobs(api):
    job_id = submit(api)["id"]
    other = submit(api)["id"]
    attach(api, job_id, "export.csv", 10)
    attach(api, job_id, "import.log", 20)
    r = api.get(f"/jobs?id=in.({job_id},{other})&select=id,files(name,size_bytes)&order=id")
    assert r.status_code == 200, r.text
    assert r.json() == [
        {"id": job_id, "files": [{"name": "export.csv", "size_bytes": 10},
                                 {"name": "import.log", "size_bytes": 20}]},
        {"id": other, "files": []},
    ]


def test_a_file_for_an_unknown_job_is_404(api):
    r = api.post("/job_files", json={"job_id": 987654, "name": "x.csv"})
    assert r.status_code == 404, r.text
    assert r.json()["code"] == "PT404"
    assert api.get("/job_files").json() == []


def test_a_bad_file_kind_is_400(api):
    job_id = submit(api)["id"]
    r = api.post("/job_files", json={"job_id": job_id, "name": "x", "kind": "photo"})
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "23514"

