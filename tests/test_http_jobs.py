"""HTTP routes of /jobs through a real PostgREST: POST, GET, PATCH, DELETE,
the errors bad input gets, the event log they leave and the basics of auth."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from http_helpers import RETURN, error_of, submit
from jobsapi.server.tokens import make_token

ONE = {"Accept": "application/vnd.pgrst.object+json"}


# --- helpers -----------------------------------------------------------------

def read(api, job_id: int) -> dict:
    """GET one job as an object."""
    response = api.get(f"/jobs?id=eq.{job_id}", headers=ONE)
    assert response.status_code == 200, response.text
    return response.json()


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code in (200, 206), response.text
    return [row["id"] for row in response.json()]


def claim(api, job_id: int, worker: str = "w1") -> dict:
    """Make a queued job running, the way a worker does (claims its whole queue)."""
    queue = read(api, job_id)["queue"]
    response = api.rpc("claim_jobs", {"queues": [queue], "worker": worker, "max_jobs": 1000},
                       role="jobs_worker", sub=worker)
    assert response.status_code == 200, response.text
    claimed = {row["id"]: row for row in response.json()}
    assert job_id in claimed, f"job {job_id} was not claimed: {response.text}"
    return claimed[job_id]


def finish(api, job_id: int, status: str) -> None:
    """Take a new job to a finished status through the RPCs."""
    if status == "cancelled":
        response = api.rpc("cancel_job", {"job_id": job_id})
    else:
        claim(api, job_id)
        if status == "completed":
            response = api.rpc("complete_job", {"job_id": job_id, "worker": "w1"})
        else:
            response = api.rpc("fail_job", {"job_id": job_id, "worker": "w1", "error": "boom",
                                            "retry": False})
    assert response.status_code == 200, response.text
    assert read(api, job_id)["status"] == status


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def now() -> datetime:
    return datetime.now(timezone.utc)


def table_counts(api) -> tuple[int, int, int]:
    """Rows in the job, event and queue tables."""
    return api.sql("SELECT (SELECT count(*) FROM jobs.job), (SELECT count(*) FROM jobs.job_event),"
                   " (SELECT count(*) FROM jobs.queue)")[0]


# --- POST ----------------------------------------------------------------------

def test_post_one_job_answers_201_and_stores_it(api):
    response = api.post("/jobs", json={"name": "nightly-export", "queue": "exports"})
    assert response.status_code == 201, response.text
    assert api.sql("SELECT name, queue, status::text FROM jobs.job") == [
        ("nightly-export", "exports", "queued")]


def test_post_with_return_representation_gives_the_defaults(api):
    row = submit(api, None, name="nightly-export")
    assert row["name"] == "nightly-export"
    assert row["status"] == "queued"
    assert row["priority"] == 2
    assert row["queue"] == "default"
    assert row["type"] == "job"
    assert row["attempts"] == 0
    assert row["max_attempts"] is None  # the queue's max_attempts applies
    assert row["progress"] == 0
    assert row["errors"] == []
    assert row["payload"] == {} and row["meta"] == {}
    assert row["started_at"] is None and row["ended_at"] is None and row["worker"] is None
    created = at(row["created_at"])
    assert abs(created - now()) < timedelta(minutes=1)
    assert abs(at(row["expires_at"]) - (created + timedelta(days=30))) < timedelta(seconds=1)


def test_post_sets_owner_to_the_jwt_subject(api):
    assert submit(api, role="jobs_user", sub="alice")["owner"] == "alice"
    assert submit(api, role="jobs_admin", sub="root")["owner"] == "root"


def test_post_keeps_the_given_fields(api):
    row = submit(api, name="import", queue="imports", type="import", priority=4,
                 payload={"file": "a.csv", "rows": [1, 2]}, meta={"ticket": "T-1"},
                 max_attempts=5, message="hello")
    assert (row["queue"], row["type"], row["priority"], row["max_attempts"], row["message"]) == (
        "imports", "import", 4, 5, "hello")
    assert row["payload"] == {"file": "a.csv", "rows": [1, 2]}
    assert row["meta"] == {"ticket": "T-1"}
    assert read(api, row["id"])["payload"] == {"file": "a.csv", "rows": [1, 2]}


def test_post_with_run_at_in_the_past_is_queued(api):
    row = submit(api, name="overdue", run_at=(now() - timedelta(hours=1)).isoformat())
    assert row["status"] == "queued"


def test_post_an_array_creates_every_job(api):
    response = api.post("/jobs", headers=RETURN, json=[
        {"name": "a", "priority": 1}, {"name": "b", "priority": 3}, {"name": "c", "priority": 4}])
    assert response.status_code == 201, response.text
    assert [(r["name"], r["priority"], r["status"]) for r in response.json()] == [
        ("a", 1, "queued"), ("b", 3, "queued"), ("c", 4, "queued")]
    assert api.sql("SELECT name FROM jobs.job ORDER BY id") == [("a",), ("b",), ("c",)]
    assert api.sql("SELECT count(*) FROM jobs.job_event WHERE from_status IS NULL") == [(3,)]


def test_post_an_array_with_one_bad_job_creates_none(api):
    response = api.post("/jobs", headers=RETURN, json=[
        {"name": "a", "priority": 2}, {"name": "b", "priority": 9},
        {"name": "c", "priority": 3}])
    error_of(response, 400, "22023")
    assert table_counts(api) == (0, 0, 0)


def test_post_an_array_with_different_fields_per_job_takes_the_defaults(api):
    response = api.post("/jobs?columns=name,priority,queue",
                        headers={"Prefer": "return=representation,missing=default"},
                        json=[{"name": "a", "priority": 4}, {"name": "b", "queue": "q2"}])
    assert response.status_code == 201, response.text
    rows = response.json()
    assert [(r["name"], r["priority"], r["queue"], r["status"]) for r in rows] == [
        ("a", 4, "default", "queued"), ("b", 2, "q2", "queued")]


# --- bad input -------------------------------------------------------------------

BAD_SUBMISSIONS = {
    "priority 0": ({"name": "a", "priority": 0}, "22023"),
    "priority 5": ({"name": "a", "priority": 5}, "22023"),
    "priority not a number": ({"name": "a", "priority": "x"}, "22P02"),
    "priority beyond smallint": ({"name": "a", "priority": 99999}, "22003"),
    "empty name": ({"name": ""}, "23514"),
    "null name": ({"name": None}, "23502"),
    "empty queue": ({"name": "a", "queue": ""}, "23514"),
    "max_attempts 0": ({"name": "a", "max_attempts": 0}, "23514"),
    "unknown column": ({"name": "a", "colour": "red"}, "PGRST204"),
    "computed field duration": ({"name": "a", "duration": 12}, "PGRST204"),
    "computed field retriable": ({"name": "a", "retriable": True}, "PGRST204"),
    "status bogus": ({"name": "a", "status": "bogus"}, "22P02"),
    "new job completed": ({"name": "a", "status": "completed"}, "22023"),
    "new job failed": ({"name": "a", "status": "failed"}, "22023"),
    "new job cancelling": ({"name": "a", "status": "cancelling"}, "22023"),
    "run_at not a time": ({"name": "a", "run_at": "tomorrow-ish"}, "22007"),
}


@pytest.mark.parametrize(("body", "code"), BAD_SUBMISSIONS.values(), ids=BAD_SUBMISSIONS.keys())
def test_bad_submission_is_a_400_json_error_and_creates_nothing(api, body, code):
    error_of(api.post("/jobs", json=body, headers=RETURN), 400, code)
    assert table_counts(api) == (0, 0, 0)


@pytest.mark.parametrize("raw", [b'{"name": ', b"name=a", b"[1, 2]", b""],
                         ids=["truncated", "not json", "array of numbers", "empty"])
def test_malformed_json_body_is_a_400_and_creates_nothing(api, raw):
    response = api.post("/jobs", content=raw, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    error_of(response, response.status_code)
    assert table_counts(api) == (0, 0, 0)


BAD_PATCHES = {
    "progress 101": ({"progress": 101}, "23514"),
    "progress -1": ({"progress": -1}, "23514"),
    "priority 0": ({"priority": 0}, "22023"),
    "priority 5": ({"priority": 5}, "22023"),
    "priority not a number": ({"priority": "x"}, "22P02"),
    "empty name": ({"name": ""}, "23514"),
    "unknown column": ({"colour": "red"}, "PGRST204"),
    "computed field duration": ({"duration": 3}, "PGRST204"),
    "status bogus": ({"status": "bogus"}, "22P02"),
    "status queued to completed": ({"status": "completed"}, "PT409"),
}


@pytest.mark.parametrize(("body", "code"), BAD_PATCHES.values(), ids=BAD_PATCHES.keys())
def test_bad_patch_is_a_json_error_and_changes_nothing(api, body, code):
    job_id = submit(api, name="steady", priority=3)["id"]
    before = read(api, job_id)
    response = api.patch(f"/jobs?id=eq.{job_id}", json=body, headers=RETURN)
    error_of(response, 409 if code == "PT409" else 400, code)
    assert read(api, job_id) == before
    assert api.sql("SELECT count(*) FROM jobs.job_event") == [(1,)]


# --- GET -------------------------------------------------------------------------

@pytest.fixture
def mixed(api) -> dict[str, int]:
    """Five jobs in two queues with different priorities and statuses."""
    made = {
        "a": submit(api, name="a", queue="x", priority=1),
        "b": submit(api, name="b", queue="x", priority=3),
        "c": submit(api, name="c", queue="y", priority=4),
        "d": submit(api, name="d", queue="y", priority=3,
                    run_at=(now() + timedelta(hours=1)).isoformat()),
        "e": submit(api, name="e", queue="x", priority=2),
    }
    job_ids = {name: row["id"] for name, row in made.items()}
    assert api.rpc("cancel_job", {"job_id": job_ids["e"]}).status_code == 200
    return job_ids


def test_get_lists_every_job(api, mixed):
    assert sorted(ids(api.get("/jobs"))) == sorted(mixed.values())


def test_get_filters_by_status(api, mixed):
    assert sorted(ids(api.get("/jobs?status=eq.queued"))) == sorted(
        [mixed["a"], mixed["b"], mixed["c"]])
    assert ids(api.get("/jobs?status=eq.scheduled")) == [mixed["d"]]
    assert ids(api.get("/jobs?status=eq.cancelled")) == [mixed["e"]]


def test_get_filters_by_queue(api, mixed):
    assert sorted(ids(api.get("/jobs?queue=eq.x"))) == sorted([mixed["a"], mixed["b"], mixed["e"]])
    assert ids(api.get("/jobs?queue=eq.nope")) == []


def test_get_filters_by_priority_range(api, mixed):
    assert sorted(ids(api.get("/jobs?priority=gte.3"))) == sorted(
        [mixed["b"], mixed["c"], mixed["d"]])


def test_get_combines_filters(api, mixed):
    assert ids(api.get("/jobs?queue=eq.y&status=eq.queued&priority=gte.3")) == [mixed["c"]]


def test_get_orders_by_priority_then_id(api, mixed):
    expected = [mixed["c"], mixed["b"], mixed["d"], mixed["e"], mixed["a"]]
    assert ids(api.get("/jobs?order=priority.desc,id.asc")) == expected


def test_get_pages_with_limit_and_offset(api, mixed):
    everything = ids(api.get("/jobs?order=id.asc"))
    assert ids(api.get("/jobs?order=id.asc&limit=2")) == everything[:2]
    assert ids(api.get("/jobs?order=id.asc&limit=2&offset=2")) == everything[2:4]
    assert ids(api.get("/jobs?order=id.asc&limit=2&offset=4")) == everything[4:]


def test_get_with_count_exact_gives_the_total_in_content_range(api, mixed):
    response = api.get("/jobs?order=id.asc&limit=2&offset=1", headers={"Prefer": "count=exact"})
    assert response.status_code in (200, 206), response.text
    assert response.headers["content-range"] == "1-2/5"
    filtered = api.get("/jobs?status=eq.queued&limit=1", headers={"Prefer": "count=exact"})
    assert filtered.headers["content-range"] == "0-0/3"


def test_get_one_job_as_an_object(api, mixed):
    response = api.get(f"/jobs?id=eq.{mixed['c']}", headers=ONE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    assert (body["id"], body["name"], body["priority"]) == (mixed["c"], "c", 4)


@pytest.mark.parametrize("query", ["id=eq.999999", "queue=eq.x"], ids=["none", "several"])
def test_get_as_object_is_406_unless_exactly_one_row(api, mixed, query):
    error_of(api.get(f"/jobs?{query}", headers=ONE), 406, "PGRST116")


def test_get_unknown_column_filter_is_a_400(api, mixed):
    error_of(api.get("/jobs?colour=eq.red"), 400, "42703")


def test_get_bad_filter_value_is_a_400(api, mixed):
    error_of(api.get("/jobs?priority=gte.high"), 400, "22P02")
    error_of(api.get("/jobs?status=eq.bogus"), 400, "22P02")


# --- computed fields and embedding -------------------------------------------

COMPUTED = "select=id,status,duration,queue_time,estimated_remaining,retriable"


def test_computed_fields_of_a_queued_job(api):
    job_id = submit(api, name="waiting", run_at=(now() - timedelta(seconds=30)).isoformat())["id"]
    row = api.get(f"/jobs?id=eq.{job_id}&{COMPUTED}", headers=ONE).json()
    assert row["duration"] is None
    assert row["estimated_remaining"] is None
    assert row["retriable"] is False
    assert 30 <= float(row["queue_time"]) < 90


def test_computed_fields_come_with_the_star(api):
    job_id = submit(api)["id"]
    row = api.get(f"/jobs?id=eq.{job_id}&select=*,duration,queue_time,estimated_remaining,"
                  "retriable", headers=ONE).json()
    assert {"id", "status", "payload", "duration", "queue_time", "estimated_remaining",
            "retriable"} <= set(row)


def test_computed_fields_of_a_running_job(api):
    job_id = submit(api)["id"]
    claim(api, job_id)
    api.sql("UPDATE jobs.job SET started_at = now() - interval '60 seconds', progress = 25"
            " WHERE id = %s", job_id)
    row = api.get(f"/jobs?id=eq.{job_id}&{COMPUTED}", headers=ONE).json()
    assert 60 <= float(row["duration"]) < 120
    # 25% in 60 s: about 180 s to go.
    assert 170 <= float(row["estimated_remaining"]) <= 200
    assert row["retriable"] is False


def test_computed_fields_of_a_completed_job(api):
    job_id = submit(api)["id"]
    finish(api, job_id, "completed")
    api.sql("UPDATE jobs.job SET started_at = ended_at - interval '42 seconds' WHERE id = %s",
            job_id)
    row = api.get(f"/jobs?id=eq.{job_id}&{COMPUTED}", headers=ONE).json()
    assert float(row["duration"]) == 42
    assert float(row["estimated_remaining"]) == 0
    assert row["retriable"] is False


def test_a_failed_job_and_a_completed_job_with_errors_are_retriable(api):
    failed = submit(api, name="f")["id"]
    finish(api, failed, "failed")
    partial = submit(api, name="p")["id"]
    claim(api, partial)
    response = api.rpc("complete_job", {"job_id": partial, "worker": "w1", "num_success": 5,
                                        "num_error": 2})
    assert response.status_code == 200, response.text
    rows = api.get(f"/jobs?id=in.({failed},{partial})&select=id,retriable").json()
    assert {r["id"]: r["retriable"] for r in rows} == {failed: True, partial: True}


def test_filter_on_a_computed_field(api):
    failed = submit(api, name="f")["id"]
    finish(api, failed, "failed")
    submit(api, name="q")
    assert ids(api.get("/jobs?retriable=is.true&select=id,retriable")) == [failed]


def test_embed_the_events_of_a_job(api):
    job_id = submit(api)["id"]
    finish(api, job_id, "completed")
    response = api.get(f"/jobs?id=eq.{job_id}&select=id,events(from_status,to_status)",
                       headers=ONE)
    assert response.status_code == 200, response.text
    assert response.json() == {"id": job_id, "events": [
        {"from_status": None, "to_status": "queued"},
        {"from_status": "queued", "to_status": "running"},
        {"from_status": "running", "to_status": "completed"},
    ]}


def test_embedded_events_belong_to_their_own_job(api):
    first = submit(api, name="first")["id"]
    second = submit(api, name="second")["id"]
    api.rpc("cancel_job", {"job_id": second})
    rows = api.get("/jobs?select=id,events(to_status)&order=id").json()
    assert rows == [{"id": first, "events": [{"to_status": "queued"}]},
                    {"id": second, "events": [{"to_status": "queued"},
                                              {"to_status": "cancelled"}]}]


# --- PATCH -------------------------------------------------------------------------

def test_patch_changes_the_allowed_fields(api):
    job_id = submit(api, name="old", priority=1, payload={"a": 1}, meta={"m": 1})["id"]
    later = (now() + timedelta(days=1)).replace(microsecond=0)
    response = api.patch(f"/jobs?id=eq.{job_id}", headers=RETURN, json={
        "name": "new", "priority": 4, "payload": {"b": [2]}, "meta": {"ticket": "T-9"},
        "run_at": later.isoformat()})
    assert response.status_code == 200, response.text
    row = read(api, job_id)
    assert (row["name"], row["priority"], row["payload"], row["meta"]) == (
        "new", 4, {"b": [2]}, {"ticket": "T-9"})
    assert at(row["run_at"]) == later
    assert response.json() == [row]


def test_patch_without_a_filter_match_changes_nothing(api):
    job_id = submit(api, priority=2)["id"]
    response = api.patch("/jobs?id=eq.999999", json={"priority": 4}, headers=RETURN)
    assert response.status_code == 200 and response.json() == []
    assert read(api, job_id)["priority"] == 2


def test_patch_queued_to_cancelled(api):
    job_id = submit(api)["id"]
    response = api.patch(f"/jobs?id=eq.{job_id}", json={"status": "cancelled"}, headers=RETURN)
    assert response.status_code == 200, response.text
    row = read(api, job_id)
    assert row["status"] == "cancelled"
    assert row["ended_at"] is not None
    assert api.sql("SELECT from_status::text, to_status::text, actor FROM jobs.job_event"
                   " WHERE job_id = %s ORDER BY id", job_id)[-1] == ("queued", "cancelled", "admin")


def test_patch_completed_to_running_is_409_naming_both_states(api):
    job_id = submit(api)["id"]
    finish(api, job_id, "completed")
    before = read(api, job_id)
    body = error_of(api.patch(f"/jobs?id=eq.{job_id}", json={"status": "running"}), 409, "PT409")
    assert "completed" in body["message"] and "running" in body["message"]
    assert read(api, job_id) == before


# --- DELETE ------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
def test_delete_a_finished_job_removes_it_and_its_events(api, status):
    job_id = submit(api)["id"]
    other = submit(api, name="other", queue="elsewhere")["id"]
    finish(api, job_id, status)
    assert api.sql("SELECT count(*) FROM jobs.job_event WHERE job_id = %s", job_id)[0][0] >= 2
    response = api.delete(f"/jobs?id=eq.{job_id}")
    assert response.status_code == 204, response.text
    assert api.get(f"/jobs?id=eq.{job_id}").json() == []
    assert api.sql("SELECT count(*) FROM jobs.job_event WHERE job_id = %s", job_id) == [(0,)]
    # Someone else's history stays.
    assert api.sql("SELECT count(*) FROM jobs.job_event WHERE job_id = %s", other) == [(1,)]


@pytest.mark.parametrize("status", ["queued", "scheduled", "running"])
def test_delete_an_unfinished_job_is_409_and_keeps_it(api, status):
    run_at = (now() + timedelta(hours=1)).isoformat() if status == "scheduled" else None
    job_id = submit(api, **({"run_at": run_at} if run_at else {}))["id"]
    if status == "running":
        claim(api, job_id)
    before = read(api, job_id)
    assert before["status"] == status
    body = error_of(api.delete(f"/jobs?id=eq.{job_id}"), 409, "PT409")
    assert status in body["message"]
    assert read(api, job_id) == before
    assert api.sql("SELECT count(*) FROM jobs.job_event WHERE job_id = %s", job_id)[0][0] >= 1


def test_delete_of_a_mix_deletes_nothing(api):
    done = submit(api, name="done", queue="mix")["id"]
    finish(api, done, "completed")
    waiting = submit(api, name="waiting", queue="mix")["id"]
    error_of(api.delete("/jobs?queue=eq.mix"), 409, "PT409")
    assert sorted(ids(api.get("/jobs?queue=eq.mix"))) == sorted([done, waiting])


# --- the event log -----------------------------------------------------------------

def test_every_transition_is_an_event_with_the_jwt_subject_as_actor(api):
    job_id = submit(api, role="jobs_user", sub="alice", message="please")["id"]
    claimed = api.rpc("claim_jobs", {"worker": "w7"}, role="jobs_worker", sub="worker-7")
    assert [r["id"] for r in claimed.json()] == [job_id]
    done = api.rpc("complete_job", {"job_id": job_id, "worker": "w7"}, role="jobs_worker",
                   sub="worker-7")
    assert done.status_code == 200, done.text
    response = api.get(f"/job_events?job_id=eq.{job_id}&order=id.asc"
                       "&select=from_status,to_status,actor,happened_at")
    assert response.status_code == 200, response.text
    events = response.json()
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in events] == [
        (None, "queued", "alice"),
        ("queued", "running", "worker-7"),
        ("running", "completed", "worker-7"),
    ]
    times = [at(e["happened_at"]) for e in events]
    assert times == sorted(times)


def test_events_of_a_batch_submission_name_the_submitter(api):
    response = api.post("/jobs", json=[{"name": "a"}, {"name": "b"}], role="jobs_user", sub="bob")
    assert response.status_code == 201, response.text
    assert api.sql("SELECT from_status, to_status::text, actor FROM jobs.job_event ORDER BY id") == [
        (None, "queued", "bob"), (None, "queued", "bob")]


# --- auth basics ---------------------------------------------------------------------

def test_no_token_is_401(api):
    submit(api)
    error_of(api.get("/jobs", role=None), 401)


def test_no_token_cannot_submit(api):
    error_of(api.post("/jobs", json={"name": "a"}, role=None), 401)
    assert table_counts(api) == (0, 0, 0)


def test_token_with_a_bad_signature_is_401(api):
    forged = make_token("not-the-secret-" + "x" * 40, "jobs_admin", "mallory")
    response = api.get("/jobs", role=None, headers={"Authorization": f"Bearer {forged}"})
    error_of(response, 401, "PGRST301")


def test_expired_token_is_401(api):
    # PostgREST allows 30 s of clock skew on exp, so expire it well before that.
    expired = api.token("jobs_admin", "admin", ttl_seconds=-120)
    response = api.get("/jobs", role=None, headers={"Authorization": f"Bearer {expired}"})
    body = error_of(response, 401, "PGRST301")
    assert "expired" in body["message"].lower()


def test_garbage_token_is_401(api):
    response = api.get("/jobs", role=None, headers={"Authorization": "Bearer not.a.jwt"})
    error_of(response, 401)
