"""Named locks (seeds 000 and 001): one running job per flow, locks listed
and cleared by hand, through the real PostgREST."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from http_helpers import RETURN, submit, submit_many

WORKER = {"role": "jobs_worker", "sub": "w1"}


def claim(api, worker: str = "w1", max_jobs: int = 1, queue: str = "q") -> list[int]:
    r = api.rpc("claim_jobs", {"queues": [queue], "worker": worker, "max_jobs": max_jobs},
                role="jobs_worker", sub=worker)
    assert r.status_code == 200, r.text
    return [j["id"] for j in r.json()]


def complete(api, job_id: int, worker: str = "w1") -> dict[str, Any]:
    r = api.rpc("complete_job", {"job_id": job_id, "worker": worker},
                role="jobs_worker", sub=worker)
    assert r.status_code == 200, r.text
    return r.json()


def locks(api) -> list[dict[str, Any]]:
    r = api.get("/job_locks?order=name")
    assert r.status_code == 200, r.text
    return r.json()


def status(api, job_id: int) -> str:
    return api.get(f"/jobs?id=eq.{job_id}&select=status").json()[0]["status"]


# --- claim_jobs and job locks


def test_claim_hands_out_one_of_two_jobs_sharing_a_lock_then_the_next_unrelated(api):
    first = submit(api, locks=["flow:F1"])["id"]
    second = submit(api, locks=["flow:F1"])["id"]
    unrelated = submit(api)["id"]
    assert claim(api) == [first]
    assert claim(api, worker="w2") == [unrelated]
    assert claim(api, worker="w3") == []
    assert status(api, second) == "queued"


def test_one_claim_of_three_skips_the_second_job_of_a_flow_but_takes_the_next(api):
    first = submit(api, locks=["flow:F1"])["id"]
    second = submit(api, locks=["flow:F1"])["id"]
    unrelated = submit(api)["id"]
    assert claim(api, max_jobs=3) == [first, unrelated]
    assert status(api, second) == "queued"
    assert [lock["job_id"] for lock in locks(api)] == [first]


def test_after_complete_the_second_job_of_the_flow_is_claimable(api):
    first = submit(api, locks=["flow:F1"])["id"]
    second = submit(api, locks=["flow:F1"])["id"]
    assert claim(api) == [first]
    assert claim(api, worker="w2") == []
    complete(api, first)
    assert claim(api, worker="w2") == [second]
    assert [(lock["name"], lock["job_id"], lock["worker"]) for lock in locks(api)] == \
        [("flow:F1", second, "w2")]


def test_job_locks_lists_held_locks_with_holder_and_time(api):
    job_id = submit(api, locks=["flow:F1", "devices"])["id"]
    assert claim(api) == [job_id]
    held = locks(api)
    assert [(lock["name"], lock["job_id"], lock["worker"]) for lock in held] == \
        [("devices", job_id, "w1"), ("flow:F1", job_id, "w1")]
    assert all(lock["acquired_at"] for lock in held)


def test_job_locks_is_empty_after_the_job_completes(api):
    job_id = submit(api, locks=["flow:F1"])["id"]
    assert claim(api) == [job_id]
    complete(api, job_id)
    assert locks(api) == []


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


def test_acquire_lock_again_for_the_job_that_holds_it_is_not_a_conflict(api):
    job_id = submit(api)["id"]
    assert claim(api) == [job_id]
    first = api.rpc("acquire_lock", {"name": "devices", "job_id": job_id})
    assert first.status_code == 200, first.text
    again = api.rpc("acquire_lock", {"name": "devices", "job_id": job_id})
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    other = submit(api)["id"]
    assert claim(api) == [other]
    r = api.rpc("acquire_lock", {"name": "devices", "job_id": other})
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "PT409"


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


def test_a_lock_taken_by_a_script_blocks_jobs_that_name_it(api):
    job_id = submit(api, locks=["devices"])["id"]
    assert api.rpc("acquire_lock", {"name": "devices"}).status_code == 200
    assert claim(api) == []
    assert api.rpc("release_lock", {"name": "devices"}).status_code == 200
    assert claim(api) == [job_id]


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


def test_a_cancelled_running_job_keeps_its_lock_until_its_worker_stops(api):
    job_id = submit(api, locks=["flow:F1"])["id"]
    second = submit(api, locks=["flow:F1"])["id"]
    claim(api)
    r = api.rpc("cancel_job", {"job_id": job_id})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelling"
    assert [lock["job_id"] for lock in locks(api)] == [job_id]
    assert claim(api, worker="w2") == []

    beat = api.rpc("heartbeat", {"job_id": job_id, "worker": "w1"}, **WORKER)
    assert beat.status_code == 200, beat.text
    assert beat.json()["cancel_requested"] is True
    assert status(api, job_id) == "cancelled"
    assert locks(api) == []
    assert claim(api, worker="w2") == [second]


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


def test_a_rescued_job_releases_its_locks(api):
    job_id = submit(api, locks=["flow:F1"])["id"]
    claim(api)
    api.sql("UPDATE jobs.job SET lease_expires_at = now() - interval '1 second' WHERE id = %s",
            job_id)
    r = api.rpc("reap_expired_leases", **WORKER)
    assert r.status_code == 200, r.text
    assert [(j["id"], j["status"]) for j in r.json()] == [(job_id, "queued")]
    assert locks(api) == []
    assert claim(api, worker="w2") == [job_id]
    assert [lock["worker"] for lock in locks(api)] == ["w2"]


def test_a_failed_attempt_releases_its_locks(api):
    job_id = submit(api, locks=["flow:F1"])["id"]
    claim(api)
    r = api.rpc("fail_job", {"job_id": job_id, "worker": "w1", "error": "boom"}, **WORKER)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "scheduled"
    assert locks(api) == []


def test_deleting_a_job_removes_a_lock_it_holds(api):
    job_id = submit(api)["id"]
    api.rpc("cancel_job", {"job_id": job_id})
    # A lock taken for a finished job by hand: the delete takes it along.
    api.sql("INSERT INTO jobs.job_lock (name, job_id, worker) VALUES ('stale', %s, 'w1')", job_id)
    r = api.delete(f"/jobs?id=eq.{job_id}")
    assert r.status_code == 204, r.text
    assert locks(api) == []


# --- one running job per flow, under concurrency


FLOW = "flow:F-concurrent"


def test_only_one_job_of_a_flow_runs_at_a_time_under_concurrent_claims(api):
    rows = []
    for i in range(20):
        rows.append({"name": f"flow-{i}", "queue": "q", "locks": [FLOW]})
        rows.append({"name": f"free-{i}", "queue": "q", "locks": []})
    all_ids = submit_many(api, rows)
    flow_ids = set(all_ids[0::2])

    claimed: list[int] = []
    samples: list[tuple[int, int]] = []
    errors: list[str] = []
    guard = threading.Lock()

    def work(n: int) -> None:
        worker = f"w{n}"
        try:
            while True:
                got = claim(api, worker=worker, max_jobs=3)
                running = api.get(f"/jobs?status=eq.running&locks=cs.{{{FLOW}}}&select=id")
                held = api.get(f"/job_locks?name=eq.{FLOW}")
                with guard:
                    claimed.extend(got)
                    samples.append((len(running.json()), len(held.json())))
                if not got:
                    left = api.get("/jobs?status=in.(queued,scheduled,running)&select=id")
                    if not left.json():
                        return
                    time.sleep(0.01)
                    continue
                time.sleep(0.02)
                for job_id in got:
                    assert complete(api, job_id, worker)["status"] == "completed"
        except Exception as exc:  # reported below, so a thread cannot fail silently
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    # Every job was handed out once and ended completed exactly once.
    assert sorted(claimed) == sorted(all_ids)
    assert {j["status"] for j in api.get("/jobs?select=status").json()} == {"completed"}
    done = Counter(job_id for (job_id,) in api.sql(
        "SELECT job_id FROM jobs.job_event WHERE to_status = 'completed'"))
    assert done == Counter(all_ids)

    # No sample ever saw two flow jobs running or two holders of the lock.
    assert max(running for running, _ in samples) <= 1
    assert max(held for _, held in samples) <= 1

    # The event log, in commit order of the lock: a flow job starts only
    # after the previous one ended.
    running_now = 0
    for job_id, to_status in api.sql(
            "SELECT job_id, to_status::text FROM jobs.job_event"
            " WHERE job_id = ANY(%s) AND from_status IS NOT NULL ORDER BY id",
            sorted(flow_ids)):
        running_now += 1 if to_status == "running" else -1
        assert 0 <= running_now <= 1, f"two flow jobs running at job {job_id}"
    assert running_now == 0
    assert locks(api) == []


def test_release_lock_of_someone_else_is_403_and_keeps_it(api):
    taken = api.rpc("acquire_lock", {"name": "etl:nightly"}, role="jobs_user", sub="alice")
    assert taken.status_code == 200, taken.text
    r = api.rpc("release_lock", {"name": "etl:nightly"}, role="jobs_worker", sub="bob")
    assert r.status_code == 403 and r.json()["code"] == "PT403"
    assert [row["name"] for row in api.get("/job_locks").json()] == ["etl:nightly"]
    mine = api.rpc("release_lock", {"name": "etl:nightly"}, role="jobs_user", sub="alice")
    assert mine.status_code == 200, mine.text
