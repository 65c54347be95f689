"""The worker lifecycle over HTTP: claim_jobs, heartbeat, complete_job(s),
fail_job(s), cancel_job and reap_expired_leases as POST /rpc/NAME."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from http_helpers import RETURN, call, error_of, submit

ONE = {"Accept": "application/vnd.pgrst.object+json"}
WORKER = {"role": "jobs_worker", "sub": "w1"}


# --- helpers -----------------------------------------------------------------

def read(api, job_id: int) -> dict:
    response = api.get(f"/jobs?id=eq.{job_id}", headers=ONE)
    assert response.status_code == 200, response.text
    return response.json()


def claim(api, worker: str = "w1", **args: Any) -> list[dict]:
    args.setdefault("worker", worker)
    return call(api, "claim_jobs", sub=worker, **args)


def claim_one(api, job_id: int, worker: str = "w1", **args: Any) -> dict:
    """Claim exactly this job (it must be the only due one in its queue)."""
    queue = read(api, job_id)["queue"]
    rows = claim(api, worker, queues=[queue], **args)
    assert [r["id"] for r in rows] == [job_id], rows
    return rows[0]


def running(api, worker: str = "w1", **fields: Any) -> dict:
    """A job of its own queue, claimed by worker."""
    fields.setdefault("queue", f"q{time.monotonic_ns()}")
    job_id = submit(api, **fields)["id"]
    return claim_one(api, job_id, worker)


def make_due(api, job_id: int) -> None:
    """Skip a backoff: move run_at to the past (as if time passed)."""
    api.sql("UPDATE jobs.job SET run_at = now() - interval '1 second' WHERE id = %s", job_id)


def expire_lease(api, job_id: int) -> None:
    """As if the worker stopped heartbeating long ago."""
    api.sql("UPDATE jobs.job SET lease_expires_at = now() - interval '1 second' WHERE id = %s",
            job_id)


def events(api, job_id: int) -> list[tuple[str | None, str]]:
    return [(e["from_status"], e["to_status"]) for e in api.get(
        f"/job_events?job_id=eq.{job_id}&order=id.asc").json()]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def now() -> datetime:
    return datetime.now(timezone.utc)


# --- claim_jobs ----------------------------------------------------------------------

def test_claim_makes_the_job_running_for_the_worker(api):
    job_id = submit(api, queue="work")["id"]
    before = now()
    rows = claim(api, "w1", queues=["work"], lease_seconds=120)
    assert [r["id"] for r in rows] == [job_id]
    row = read(api, job_id)
    assert rows[0] == row
    assert row["status"] == "running"
    assert row["worker"] == "w1"
    assert row["attempts"] == 1
    assert at(row["started_at"]) >= before - timedelta(seconds=5)
    lease = at(row["lease_expires_at"]) - at(row["started_at"])
    assert timedelta(seconds=119) <= lease <= timedelta(seconds=121)


def test_claim_without_a_worker_name_uses_the_jwt_subject(api):
    job_id = submit(api)["id"]
    rows = call(api, "claim_jobs", sub="worker-from-token")
    assert [r["id"] for r in rows] == [job_id]
    assert read(api, job_id)["worker"] == "worker-from-token"


def test_claim_several_returns_them_in_claim_order(api):
    low = submit(api, name="low", priority=1)["id"]
    high = submit(api, name="high", priority=3)["id"]
    normal = submit(api, name="normal", priority=2)["id"]
    rows = claim(api, max_jobs=2)
    assert [r["id"] for r in rows] == [high, normal]
    assert read(api, low)["status"] == "queued"


def test_claim_leaves_a_waiting_follow_up_and_a_paused_queue_alone(api):
    first = submit(api, queue="held")["id"]
    after = submit(api, queue="held", after_job_id=first,
                   run_at=(now() - timedelta(hours=1)).isoformat())["id"]
    paused = submit(api, queue="stopped", run_at=(now() + timedelta(hours=1)).isoformat())["id"]
    make_due(api, paused)
    assert api.patch("/queues?name=eq.stopped", json={"paused": True}).status_code == 204
    assert [r["id"] for r in claim(api, max_jobs=10)] == [first]
    assert (read(api, after)["status"], read(api, paused)["status"]) == ("scheduled", "scheduled")


def test_a_claimed_job_is_not_claimed_again(api):
    job_id = submit(api)["id"]
    assert [r["id"] for r in claim(api, "w1")] == [job_id]
    assert claim(api, "w2") == []
    assert read(api, job_id)["worker"] == "w1"


@pytest.mark.parametrize(("args", "code"), [
    ({"max_jobs": 0}, "22023"),
    ({"max_jobs": 5000}, "22023"),
    ({"max_jobs": -1}, "22023"),
    ({"lease_seconds": 0}, "22023"),
    ({"lease_seconds": 86401}, "22023"),
    ({"max_jobs": "many"}, "22P02"),
    ({"queues": "not-an-array"}, "22P02"),
], ids=["max_jobs 0", "max_jobs 5000", "max_jobs -1", "lease 0", "lease 86401",
        "max_jobs text", "queues text"])
def test_claim_with_bad_arguments_is_400_and_claims_nothing(api, args, code):
    job_id = submit(api)["id"]
    error_of(api.rpc("claim_jobs", args, **WORKER), 400, code)
    assert read(api, job_id)["status"] == "queued"


def test_claim_with_an_unknown_argument_is_a_4xx(api):
    job_id = submit(api)["id"]
    response = api.rpc("claim_jobs", {"max_jobs": 1, "colour": "red"}, **WORKER)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"] == "PGRST202"
    assert read(api, job_id)["status"] == "queued"


# --- heartbeat -----------------------------------------------------------------------

def test_heartbeat_reports_progress_and_extends_the_lease(api):
    job_id = submit(api, queue="hb")["id"]
    claimed = claim_one(api, job_id, lease_seconds=60)
    reply = call(api, "heartbeat", job_id=job_id, worker="w1", progress=40, message="halfway",
                 lease_seconds=3600)
    assert reply["job_id"] == job_id
    assert reply["status"] == "running"
    assert reply["cancel_requested"] is False
    assert at(reply["lease_expires_at"]) > at(claimed["lease_expires_at"]) + timedelta(minutes=50)
    row = read(api, job_id)
    assert (row["progress"], row["message"], row["status"]) == (40, "halfway", "running")
    assert row["lease_expires_at"] == reply["lease_expires_at"]


def test_heartbeat_merges_result_and_keeps_unreported_fields(api):
    job_id = running(api)["id"]
    call(api, "heartbeat", job_id=job_id, worker="w1", progress=10, message="start",
         result={"a": 1})
    call(api, "heartbeat", job_id=job_id, worker="w1", result={"b": 2})
    row = read(api, job_id)
    assert row["result"] == {"a": 1, "b": 2}
    assert (row["progress"], row["message"]) == (10, "start")


def test_heartbeat_by_another_worker_is_409(api):
    job_id = running(api, "w1")["id"]
    before = read(api, job_id)
    error_of(api.rpc("heartbeat", {"job_id": job_id, "worker": "w2", "progress": 50},
                     role="jobs_worker", sub="w2"), 409, "PT409")
    assert read(api, job_id) == before


def test_heartbeat_of_a_queued_job_is_409(api):
    job_id = submit(api)["id"]
    error_of(api.rpc("heartbeat", {"job_id": job_id, "worker": "w1"}, **WORKER), 409, "PT409")
    assert read(api, job_id)["status"] == "queued"


def test_heartbeat_of_an_unknown_job_is_404(api):
    error_of(api.rpc("heartbeat", {"job_id": 999999, "worker": "w1"}, **WORKER), 404, "PT404")


@pytest.mark.parametrize(("args", "code"), [
    ({"progress": 101}, "23514"),
    ({"progress": -5}, "23514"),
    ({"lease_seconds": 0}, "22023"),
], ids=["progress 101", "progress -5", "lease 0"])
def test_heartbeat_with_bad_arguments_is_400_and_changes_nothing(api, args, code):
    job_id = running(api)["id"]
    before = read(api, job_id)
    error_of(api.rpc("heartbeat", {"job_id": job_id, "worker": "w1", **args}, **WORKER), 400,
             code)
    assert read(api, job_id) == before


# --- cancel_job ------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["queued", "scheduled"])
def test_cancel_a_waiting_job_is_immediate(api, status):
    run_at = (now() + timedelta(hours=1)).isoformat() if status == "scheduled" else None
    job_id = submit(api, **({"run_at": run_at} if run_at else {}))["id"]
    row = call(api, "cancel_job", role="jobs_admin", sub="admin", job_id=job_id)
    assert row["id"] == job_id and row["status"] == "cancelled"
    assert read(api, job_id)["ended_at"] is not None
    assert events(api, job_id)[-1] == (status, "cancelled")


def test_cancel_a_running_job_asks_its_worker_through_the_heartbeat(api):
    job_id = running(api)["id"]
    row = call(api, "cancel_job", role="jobs_admin", sub="admin", job_id=job_id)
    assert row["status"] == "cancelling"
    assert read(api, job_id)["status"] == "cancelling"
    reply = call(api, "heartbeat", job_id=job_id, worker="w1", progress=70)
    assert reply["cancel_requested"] is True
    assert reply["status"] == "cancelled"
    row = read(api, job_id)
    assert row["status"] == "cancelled"
    assert row["ended_at"] is not None
    assert events(api, job_id)[-2:] == [("running", "cancelling"), ("cancelling", "cancelled")]


def test_completing_a_cancelling_job_ends_it_cancelled(api):
    job_id = running(api)["id"]
    call(api, "cancel_job", role="jobs_admin", sub="admin", job_id=job_id)
    row = call(api, "complete_job", job_id=job_id, worker="w1", num_success=3)
    assert row["status"] == "cancelled"
    assert read(api, job_id)["num_success"] == 3


def test_failing_a_cancelling_job_ends_it_cancelled(api):
    job_id = running(api)["id"]
    call(api, "cancel_job", role="jobs_admin", sub="admin", job_id=job_id)
    row = call(api, "fail_job", job_id=job_id, worker="w1", error="stopped")
    assert row["status"] == "cancelled"


def test_cancel_a_finished_job_is_409(api):
    outcome = "completed"  # every finished status: test_transitions.py
    job_id = running(api)["id"]
    if outcome == "completed":
        call(api, "complete_job", job_id=job_id, worker="w1")
    else:
        call(api, "fail_job", job_id=job_id, worker="w1", error="x", retry=False)
    before = read(api, job_id)
    error_of(api.rpc("cancel_job", {"job_id": job_id}), 409, "PT409")
    assert read(api, job_id) == before


def test_cancel_an_already_cancelled_job_is_409(api):
    job_id = submit(api)["id"]
    call(api, "cancel_job", role="jobs_admin", sub="admin", job_id=job_id)
    before = read(api, job_id)
    error_of(api.rpc("cancel_job", {"job_id": job_id}), 409, "PT409")
    assert read(api, job_id) == before


def test_cancel_an_unknown_job_is_404(api):
    error_of(api.rpc("cancel_job", {"job_id": 999999}), 404, "PT404")


def test_cancel_with_a_job_id_that_is_not_a_number_is_400(api):
    error_of(api.rpc("cancel_job", {"job_id": "seven"}), 400, "22P02")


# --- complete_job / complete_jobs -------------------------------------------------------

def test_complete_job_stores_the_outcome(api):
    job_id = running(api)["id"]
    call(api, "heartbeat", job_id=job_id, worker="w1", progress=30)
    row = call(api, "complete_job", job_id=job_id, worker="w1", result={"rows": 12},
               num_success=10, num_error=1, num_ignore=1, message="done")
    assert row["id"] == job_id
    assert row == read(api, job_id)
    assert row["status"] == "completed"
    assert row["progress"] == 100
    assert row["ended_at"] is not None and at(row["ended_at"]) >= at(row["started_at"])
    assert row["lease_expires_at"] is None
    assert (row["num_success"], row["num_error"], row["num_ignore"]) == (10, 1, 1)
    assert row["result"] == {"rows": 12}
    assert row["message"] == "done"


def test_complete_job_without_counters_keeps_them(api):
    job_id = running(api)["id"]
    row = call(api, "complete_job", job_id=job_id, worker="w1")
    assert (row["num_success"], row["num_error"], row["num_ignore"]) == (0, 0, 0)
    assert row["status"] == "completed"


def test_complete_by_the_wrong_worker_is_409(api):
    job_id = running(api, "w1")["id"]
    before = read(api, job_id)
    body = error_of(api.rpc("complete_job", {"job_id": job_id, "worker": "w2"},
                            role="jobs_worker", sub="w2"), 409, "PT409")
    assert "w1" in body["message"] and "w2" in body["message"]
    assert read(api, job_id) == before


def test_complete_a_queued_job_is_409(api):
    job_id = submit(api)["id"]
    body = error_of(api.rpc("complete_job", {"job_id": job_id, "worker": "w1"}, **WORKER), 409,
                    "PT409")
    assert "queued" in body["message"]
    assert read(api, job_id)["status"] == "queued"


def test_complete_twice_is_409(api):
    job_id = running(api)["id"]
    call(api, "complete_job", job_id=job_id, worker="w1", num_success=1)
    before = read(api, job_id)
    error_of(api.rpc("complete_job", {"job_id": job_id, "worker": "w1", "num_success": 99},
                     **WORKER), 409, "PT409")
    assert read(api, job_id) == before


def test_complete_an_unknown_job_is_404(api):
    error_of(api.rpc("complete_job", {"job_id": 999999, "worker": "w1"}, **WORKER), 404, "PT404")


def test_complete_with_a_negative_counter_is_400_and_keeps_the_job_running(api):
    job_id = running(api)["id"]
    error_of(api.rpc("complete_job", {"job_id": job_id, "worker": "w1", "num_error": -1},
                     **WORKER), 400, "23514")
    assert read(api, job_id)["status"] == "running"


def test_complete_with_an_unknown_argument_is_a_4xx(api):
    job_id = running(api)["id"]
    response = api.rpc("complete_job", {"job_id": job_id, "worker": "w1", "records": 5}, **WORKER)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"] == "PGRST202"
    assert read(api, job_id)["status"] == "running"


def test_complete_jobs_completes_the_running_ones_and_skips_the_rest(api):
    submit(api, name="a", queue="batch")
    submit(api, name="b", queue="batch")
    a, b = (r["id"] for r in claim(api, queues=["batch"], max_jobs=2))
    waiting = submit(api, name="c", queue="batch")["id"]
    rows = call(api, "complete_jobs", worker="w1", results=[
        {"job_id": a, "num_success": 3, "result": {"x": 1}},
        {"job_id": b, "num_error": 2, "message": "partly"},
        {"job_id": waiting, "num_success": 9},
        {"job_id": 999999},
    ])
    assert sorted(r["id"] for r in rows) == sorted([a, b])
    assert all(r["status"] == "completed" for r in rows)
    assert (read(api, a)["num_success"], read(api, a)["result"]) == (3, {"x": 1})
    assert (read(api, b)["num_error"], read(api, b)["message"]) == (2, "partly")
    waiting_row = read(api, waiting)
    assert (waiting_row["status"], waiting_row["num_success"]) == ("queued", 0)


def test_complete_jobs_skips_jobs_held_by_another_worker(api):
    mine = running(api, "w1")["id"]
    theirs = running(api, "w2")["id"]
    rows = call(api, "complete_jobs", worker="w1",
                results=[{"job_id": mine}, {"job_id": theirs}])
    assert [r["id"] for r in rows] == [mine]
    assert read(api, theirs)["status"] == "running"


def test_complete_jobs_with_a_non_array_is_400(api):
    job_id = running(api)["id"]
    error_of(api.rpc("complete_jobs", {"results": {"job_id": job_id}, "worker": "w1"},
                     **WORKER), 400, "22023")
    assert read(api, job_id)["status"] == "running"


# --- fail_job / fail_jobs -------------------------------------------------------------

def test_fail_job_with_attempts_left_schedules_a_retry_after_backoff(api):
    job_id = running(api, max_attempts=3)["id"]
    before = now()
    row = call(api, "fail_job", job_id=job_id, worker="w1", error="timeout",
               stacktrace="Traceback ...")
    assert row["status"] == "scheduled"
    assert row["attempts"] == 1
    # The queue's default backoff is 10 s for the first retry.
    assert at(row["run_at"]) >= before + timedelta(seconds=9)
    assert at(row["run_at"]) <= now() + timedelta(seconds=11)
    assert (row["error"], row["stacktrace"]) == ("timeout", "Traceback ...")
    assert len(row["errors"]) == 1
    entry = row["errors"][0]
    assert (entry["attempt"], entry["error"], entry["stacktrace"]) == (1, "timeout",
                                                                       "Traceback ...")
    assert row["lease_expires_at"] is None
    assert claim(api, max_jobs=10) == []


def test_fail_job_after_max_attempts_fails_for_good(api):
    job_id = submit(api, queue="flaky", max_attempts=3)["id"]
    for attempt in (1, 2, 3):
        claimed = claim_one(api, job_id)
        assert claimed["attempts"] == attempt
        row = call(api, "fail_job", job_id=job_id, worker="w1", error=f"boom {attempt}",
                   stacktrace=f"line {attempt}")
        if attempt < 3:
            assert row["status"] == "scheduled"
            make_due(api, job_id)
    assert row["status"] == "failed"
    assert (row["error"], row["stacktrace"]) == ("boom 3", "line 3")
    assert row["ended_at"] is not None
    assert [(e["attempt"], e["error"], e["stacktrace"]) for e in row["errors"]] == [
        (1, "boom 1", "line 1"), (2, "boom 2", "line 2"), (3, "boom 3", "line 3")]
    assert claim(api, max_jobs=10) == []


def test_fail_job_backoff_doubles_with_each_attempt(api):
    job_id = submit(api, queue="backoff", max_attempts=5)["id"]
    delays = []
    for _ in range(3):
        claim_one(api, job_id)
        row = call(api, "fail_job", job_id=job_id, worker="w1", error="again")
        delays.append((at(row["run_at"]) - now()).total_seconds())
        make_due(api, job_id)
    # 10 s, 20 s, 40 s (give or take the time a request takes).
    assert [round(d / 10) * 10 for d in delays] == [10, 20, 40]


def test_fail_job_without_retry_fails_at_once(api):
    job_id = running(api, max_attempts=3)["id"]
    row = call(api, "fail_job", job_id=job_id, worker="w1", error="bad input", retry=False)
    assert row["status"] == "failed"
    assert row["attempts"] == 1
    assert row["error"] == "bad input"
    assert len(row["errors"]) == 1


def test_fail_job_records_the_error_in_the_event(api):
    job_id = running(api)["id"]
    call(api, "fail_job", job_id=job_id, worker="w1", error="disk full")
    last = api.get(f"/job_events?job_id=eq.{job_id}&order=id.desc&limit=1", headers=ONE).json()
    assert (last["from_status"], last["to_status"], last["message"], last["actor"]) == (
        "running", "scheduled", "disk full", "w1")


def test_fail_by_the_wrong_worker_is_409(api):
    job_id = running(api, "w1")["id"]
    before = read(api, job_id)
    error_of(api.rpc("fail_job", {"job_id": job_id, "worker": "w2", "error": "x"},
                     role="jobs_worker", sub="w2"), 409, "PT409")
    assert read(api, job_id) == before


def test_fail_a_queued_job_is_409(api):
    job_id = submit(api)["id"]
    error_of(api.rpc("fail_job", {"job_id": job_id, "worker": "w1", "error": "x"}, **WORKER),
             409, "PT409")
    row = read(api, job_id)
    assert (row["status"], row["errors"]) == ("queued", [])


def test_fail_an_unknown_job_is_404(api):
    error_of(api.rpc("fail_job", {"job_id": 999999, "worker": "w1"}, **WORKER), 404, "PT404")


def test_a_queue_with_jobs_cannot_be_deleted_so_fail_job_keeps_its_settings(api):
    job_id = running(api, queue="kept")["id"]
    error_of(api.delete("/queues?name=eq.kept"), 409, "PT409")
    response = api.rpc("fail_job", {"job_id": job_id, "worker": "w1", "error": "x"}, **WORKER)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == job_id
    assert read(api, job_id)["status"] == "scheduled"


def test_fail_jobs_fails_the_running_ones_and_skips_the_rest(api):
    submit(api, name="a", queue="batch")
    submit(api, name="b", queue="batch")
    a, b = (r["id"] for r in claim(api, queues=["batch"], max_jobs=2))
    waiting = submit(api, name="c", queue="batch")["id"]
    rows = call(api, "fail_jobs", worker="w1", failures=[
        {"job_id": a, "error": "retry me"},
        {"job_id": b, "error": "give up", "stacktrace": "st", "retry": False},
        {"job_id": waiting, "error": "not mine"},
    ])
    assert {r["id"]: r["status"] for r in rows} == {a: "scheduled", b: "failed"}
    assert read(api, b)["stacktrace"] == "st"
    waiting_row = read(api, waiting)
    assert (waiting_row["status"], waiting_row["error"], waiting_row["errors"]) == (
        "queued", None, [])


# --- reap_expired_leases -----------------------------------------------------------------

def test_reap_requeues_a_job_whose_lease_expired_and_counts_the_attempt(api):
    job_id = submit(api, queue="lease")["id"]
    claim_one(api, job_id, lease_seconds=1)
    expire_lease(api, job_id)
    rows = call(api, "reap_expired_leases")
    assert [r["id"] for r in rows] == [job_id]
    row = read(api, job_id)
    assert row["status"] == "queued"
    assert row["attempts"] == 1
    assert row["lease_expires_at"] is None
    assert len(row["errors"]) == 1 and "w1" in row["errors"][0]["error"]
    # The next claim is the second attempt.
    assert claim_one(api, job_id, "w2")["attempts"] == 2


def test_claim_leaves_expired_leases_to_maintenance(api):
    job_id = submit(api, queue="lazy")["id"]
    claim_one(api, job_id, "w1", lease_seconds=1)
    expire_lease(api, job_id)
    assert claim(api, "w2", queues=["lazy"]) == []
    assert read(api, job_id)["status"] == "running"
    assert call(api, "run_maintenance")["leases_rescued"] == 1
    row = claim_one(api, job_id, "w2")
    assert (row["worker"], row["attempts"], row["status"]) == ("w2", 2, "running")
    assert events(api, job_id) == [(None, "queued"), ("queued", "running"),
                                   ("running", "queued"), ("queued", "running")]


def test_a_reaped_worker_can_no_longer_report(api):
    job_id = submit(api, queue="late")["id"]
    claim_one(api, job_id, "w1", lease_seconds=1)
    expire_lease(api, job_id)
    call(api, "run_maintenance")
    claim_one(api, job_id, "w2")
    error_of(api.rpc("complete_job", {"job_id": job_id, "worker": "w1"}, **WORKER), 409, "PT409")
    assert read(api, job_id)["worker"] == "w2"


# --- the whole walk, with its events --------------------------------------------------------

def test_lifecycle_events_name_each_actor(api):
    job_id = api.post("/jobs", json={"name": "walk"}, headers=RETURN, role="jobs_user",
                      sub="alice").json()[0]["id"]
    claim_one(api, job_id, "w9")
    call(api, "heartbeat", sub="w9", job_id=job_id, worker="w9", progress=50)
    call(api, "complete_job", sub="w9", job_id=job_id, worker="w9")
    rows = api.get(f"/job_events?job_id=eq.{job_id}&order=id.asc").json()
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in rows] == [
        (None, "queued", "alice"), ("queued", "running", "w9"), ("running", "completed", "w9")]


# --- auth basics on the rpcs -------------------------------------------------------------

def test_rpc_without_a_token_is_401_and_claims_nothing(api):
    job_id = submit(api)["id"]
    error_of(api.rpc("claim_jobs", {"worker": "anon"}, role=None), 401)
    assert read(api, job_id)["status"] == "queued"


def test_rpc_with_an_expired_token_is_401(api):
    job_id = submit(api)["id"]
    expired = api.token("jobs_worker", "w1", ttl_seconds=-120)
    response = api.rpc("claim_jobs", {"worker": "w1"}, role=None,
                       headers={"Authorization": f"Bearer {expired}"})
    error_of(response, 401, "PGRST301")
    assert read(api, job_id)["status"] == "queued"
