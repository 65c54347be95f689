"""The ETL run log of seed 003 through the real PostgREST: /etl_jobs must be a
drop-in replacement for the API that the city's ETL scripts already talk to
with their Python client (tdutils jobutil). The requests below are the ones
that client sends: most_recent, start, result and delete."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from http_helpers import RETURN, error_of

FIELDS = {"id", "name", "start_date", "end_date", "message", "status", "records_processed",
          "source", "destination"}
NAME = "my_etl_job"
SOURCE = "inventory_system"
DESTINATION = "data_warehouse"
AUSTIN = timezone(timedelta(hours=-5))


# --- helpers: the client's requests ------------------------------------------------

def arrow_format(moment: datetime) -> str:
    """A time as the client sends it (arrow's default format, local offset)."""
    return moment.astimezone(AUSTIN).strftime("%Y-%m-%d %H:%M:%S") + "-05:00"


def most_recent_response(api, name: str = NAME, **auth: Any) -> httpx.Response:
    return api.get(f"/etl_jobs?name=eq.{name}&status=eq.success&order=end_date.desc&limit=1",
                   **auth)


def most_recent(api, name: str = NAME, **auth: Any) -> datetime | None:
    """job.most_recent(): the start of the newest successful run, or None."""
    response = most_recent_response(api, name, **auth)
    assert response.status_code == 200, response.text
    rows = response.json()
    return at(rows[0]["start_date"]) if rows else None


def last_success(api, name: str = NAME, **auth: Any) -> datetime | None:
    response = api.get(f"/rpc/last_success?name={name}", **auth)
    assert response.status_code == 200, response.text
    value = response.json()
    return at(value) if value is not None else None


def start_response(api, name: str = NAME, start_date: datetime | None = None,
                   **auth: Any) -> httpx.Response:
    body = {"name": name, "start_date": arrow_format(start_date or now()), "end_date": None,
            "status": "in_progress", "source": SOURCE, "destination": DESTINATION}
    return api.post("/etl_jobs", json=body, headers=RETURN, **auth)


def start(api, name: str = NAME, start_date: datetime | None = None, **auth: Any) -> dict:
    """job.start(): register a run; answers the created record."""
    response = start_response(api, name, start_date, **auth)
    assert response.status_code == 201, response.text
    rows = response.json()
    assert isinstance(rows, list) and len(rows) == 1, rows
    return rows[0]


def result_response(api, run_id: int, status: str, *, records_processed: int | None = 0,
                    message: str | None = None, end_date: datetime | None | str = "now",
                    **auth: Any) -> httpx.Response:
    body: dict[str, Any] = {"status": status, "message": message,
                            "records_processed": records_processed}
    if end_date == "now":
        body["end_date"] = arrow_format(now())
    elif end_date is not None:
        body["end_date"] = arrow_format(end_date)
    return api.patch(f"/etl_jobs?id=eq.{run_id}", json=body, headers=RETURN, **auth)


def result(api, run_id: int, status: str, **kw: Any) -> dict:
    """job.result(status, ...): record the outcome; answers the updated record."""
    response = result_response(api, run_id, status, **kw)
    assert response.status_code == 200, response.text
    rows = response.json()
    assert isinstance(rows, list) and len(rows) == 1, rows
    return rows[0]


def finished_run(api, name: str = NAME, status: str = "success", **kw: Any) -> dict:
    return result(api, start(api, name)["id"], status, **kw)


def runs(api, name: str | None = None) -> list[dict]:
    path = "/etl_jobs?order=id.asc" + (f"&name=eq.{name}" if name else "")
    response = api.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def snapshot(api) -> list[tuple]:
    """Everything a refused request must leave as it was."""
    return api.sql(
        "SELECT j.id, j.name, j.status::text, j.started_at, j.ended_at, j.message, j.result,"
        " j.meta, j.num_success, (SELECT count(*) FROM jobs.job_event AS e WHERE e.job_id = j.id)"
        " FROM jobs.job AS j ORDER BY j.id")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def now() -> datetime:
    return datetime.now(timezone.utc)


def whole_seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


# --- the documented workflow, request by request -------------------------------------

def test_seed_workflow_request_by_request(api):
    # 1. Before any run there is no watermark.
    assert most_recent(api) is None
    assert last_success(api) is None

    # A first run, earlier today, succeeds.
    first_start = whole_seconds(now() - timedelta(hours=2))
    first = start(api, start_date=first_start)
    result(api, first["id"], "success", records_processed=120,
           end_date=first_start + timedelta(minutes=5))
    assert most_recent(api) == first_start
    assert last_success(api) == first_start

    # 2. job.start(): the created record, in_progress.
    second_start = whole_seconds(now() - timedelta(minutes=10))
    second = start(api, start_date=second_start)
    assert set(second) == FIELDS
    assert second["id"] > first["id"]
    assert (second["name"], second["status"], second["source"], second["destination"]) == (
        NAME, "in_progress", SOURCE, DESTINATION)
    assert at(second["start_date"]) == second_start
    assert second["end_date"] is None
    assert second["message"] is None and second["records_processed"] is None
    # ... and most_recent() is the same as before while it runs.
    assert most_recent(api) == first_start
    assert last_success(api) == first_start

    # 3. job.result('success', records_processed=503): the updated record.
    done = result(api, second["id"], "success", records_processed=503)
    assert set(done) == FIELDS
    assert (done["id"], done["status"], done["records_processed"], done["message"]) == (
        second["id"], "success", 503, None)
    assert at(done["start_date"]) == second_start
    assert at(done["end_date"]) >= at(done["start_date"])
    # Now most_recent() is the start of this run.
    assert most_recent(api) == second_start
    assert last_success(api) == second_start

    # An error run is registered too, and moves no watermark.
    third = start(api)
    failed = result(api, third["id"], "error", records_processed=0,
                    message="A database error occured.")
    assert (failed["status"], failed["records_processed"], failed["message"]) == (
        "error", 0, "A database error occured.")
    assert failed["end_date"] is not None
    assert most_recent(api) == second_start
    assert last_success(api) == second_start
    assert [r["status"] for r in runs(api, NAME)] == ["success", "success", "error"]


# --- most_recent and last_success ------------------------------------------------------

def test_most_recent_is_empty_before_any_run(api):
    response = most_recent_response(api)
    assert response.status_code == 200, response.text
    assert response.json() == []


def test_last_success_is_null_without_a_successful_run(api):
    finished_run(api, status="error")
    start(api)
    assert last_success(api) is None


def test_most_recent_answers_the_whole_successful_record(api):
    done = finished_run(api, records_processed=7)
    response = most_recent_response(api)
    assert response.status_code == 200, response.text
    assert response.json() == [done]


def test_most_recent_ignores_other_names(api):
    finished_run(api, name="other_job")
    assert most_recent(api) is None
    assert last_success(api) is None


def test_most_recent_and_last_success_agree_on_the_newest_success(api):
    older = whole_seconds(now() - timedelta(hours=3))
    newer = whole_seconds(now() - timedelta(hours=1))
    for start_date in (older, newer):
        result(api, start(api, start_date=start_date)["id"], "success",
               end_date=start_date + timedelta(minutes=1))
    assert most_recent(api) == newer
    assert last_success(api) == newer


def test_most_recent_keeps_the_start_date_the_client_sent(api):
    sent = whole_seconds(now() - timedelta(days=1, minutes=17))
    result(api, start(api, start_date=sent)["id"], "success")
    assert most_recent(api) == sent


# --- start (POST) ------------------------------------------------------------------------

def test_start_answers_201_with_exactly_the_seed_fields(api):
    response = start_response(api)
    assert response.status_code == 201, response.text
    [row] = response.json()
    assert set(row) == FIELDS
    assert row["status"] == "in_progress"
    assert row["end_date"] is None and row["message"] is None
    assert row["records_processed"] is None


def test_runs_in_progress_are_found_by_their_status(api):
    finished_run(api)
    current = start(api)
    response = api.get("/etl_jobs?status=eq.in_progress")
    assert response.status_code == 200, response.text
    assert response.json() == [current]


def test_start_stores_one_row_per_run(api):
    first = start(api)
    second = start(api)
    assert first["id"] != second["id"]
    assert [r["id"] for r in runs(api)] == [first["id"], second["id"]]


def test_a_run_logged_after_the_fact_is_finished_at_once(api):
    started = whole_seconds(now() - timedelta(hours=1))
    ended = whole_seconds(now() - timedelta(minutes=30))
    response = api.post("/etl_jobs", headers=RETURN, json={
        "name": NAME, "start_date": arrow_format(started), "end_date": arrow_format(ended),
        "status": "success", "source": SOURCE, "destination": DESTINATION,
        "records_processed": 12, "message": "backfill"})
    assert response.status_code == 201, response.text
    [row] = response.json()
    assert (row["status"], row["records_processed"], row["message"]) == ("success", 12, "backfill")
    assert (at(row["start_date"]), at(row["end_date"])) == (started, ended)
    assert most_recent(api) == started


# --- result (PATCH) ----------------------------------------------------------------------

def test_result_keeps_the_end_date_the_client_sent(api):
    run = start(api, start_date=whole_seconds(now() - timedelta(hours=1)))
    ended = whole_seconds(now() - timedelta(minutes=20))
    done = result(api, run["id"], "success", end_date=ended)
    assert at(done["end_date"]) == ended


def test_result_with_only_a_status_keeps_the_other_fields(api):
    run = start(api)
    response = api.patch(f"/etl_jobs?id=eq.{run['id']}", json={"status": "success"},
                         headers=RETURN)
    assert response.status_code == 200, response.text
    [done] = response.json()
    assert {k: done[k] for k in ("name", "start_date", "source", "destination")} == {
        k: run[k] for k in ("name", "start_date", "source", "destination")}
    assert done["status"] == "success" and done["end_date"] is not None


def test_result_touches_only_the_run_it_names(api):
    first = start(api)
    second = start(api)
    result(api, first["id"], "success")
    assert [r["status"] for r in runs(api)] == ["success", "in_progress"]
    assert runs(api)[1] == second


# --- delete ---------------------------------------------------------------------------

def test_delete_with_return_representation_answers_the_deleted_runs(api):
    done = finished_run(api, name="a")
    response = api.delete("/etl_jobs?name=eq.a", headers=RETURN)
    assert response.status_code == 200, response.text
    assert response.json() == [done]


def test_delete_of_a_run_in_progress_is_409_and_deletes_nothing(api):
    finished_run(api, name="a")
    start(api, name="a")
    before = snapshot(api)
    error_of(api.delete("/etl_jobs?name=eq.a"), 409, "PT409")
    assert snapshot(api) == before


# --- a run is a job of type etl --------------------------------------------------------

def job_of(api, run_id: int) -> dict:
    response = api.get(f"/jobs?type=eq.etl&id=eq.{run_id}")
    assert response.status_code == 200, response.text
    [row] = response.json()
    return row


@pytest.mark.parametrize(("outcome", "job_status"), [
    (None, "running"), ("success", "completed"), ("error", "failed")])
def test_a_run_is_an_etl_job_in_jobs(api, outcome, job_status):
    run = start(api)
    if outcome:
        result(api, run["id"], outcome, records_processed=5, message="m")
    row = job_of(api, run["id"])
    assert (row["name"], row["type"], row["status"]) == (NAME, "etl", job_status)
    assert at(row["started_at"]) == at(run["start_date"])
    assert row["meta"] == {"source": SOURCE, "destination": DESTINATION}
    assert (row["ended_at"] is None) == (outcome is None)
    assert row["error"] == ("m" if outcome == "error" else None)


def test_a_successful_run_reports_its_records_as_num_success(api):
    run = finished_run(api, records_processed=503)
    assert job_of(api, run["id"])["num_success"] == 503


def test_runs_count_in_job_stats(api):
    start(api)
    finished_run(api)
    finished_run(api, status="error")
    response = api.get("/job_stats")
    assert response.status_code == 200, response.text
    [stats] = response.json()
    assert (stats["total_jobs"], stats["running"], stats["completed"], stats["failed"]) == (
        3, 1, 1, 1)


def test_the_latest_run_of_a_name_shows_in_latest_runs(api):
    finished_run(api)
    current = start(api)
    response = api.get(f"/latest_runs?name=eq.{NAME}")
    assert response.status_code == 200, response.text
    [latest] = response.json()
    assert (latest["job_id"], latest["type"], latest["status"]) == (current["id"], "etl", "running")


def test_finished_runs_count_in_daily_job_stats(api):
    start(api)
    finished_run(api)
    finished_run(api, status="error")
    response = api.get(f"/daily_job_stats?name=eq.{NAME}")
    assert response.status_code == 200, response.text
    [day] = response.json()
    assert day["queue"] == "etl"
    assert day["day"] == now().date().isoformat()
    assert (day["finished"], day["completed"], day["failed"]) == (2, 1, 1)
    assert float(day["success_rate"]) == 0.5


def test_a_run_in_progress_is_not_in_daily_job_stats(api):
    start(api)
    response = api.get(f"/daily_job_stats?name=eq.{NAME}")
    assert response.status_code == 200, response.text
    assert response.json() == []


# --- bad input --------------------------------------------------------------------------

MISSING = object()

BAD_STARTS = {
    "status done": ({"status": "done"}, "22023"),
    "no source": ({"source": MISSING}, "23502"),
    "no destination": ({"destination": MISSING}, "23502"),
    "no name": ({"name": MISSING}, "23502"),
    "unknown field": ({"colour": "red"}, "PGRST204"),
    "start_date not a time": ({"start_date": "yesterday-ish"}, "22007"),
    "records_processed not a number": ({"records_processed": "many"}, "22P02"),
    "records_processed negative": ({"records_processed": -1}, "23514"),
}


@pytest.mark.parametrize(("change", "code"), BAD_STARTS.values(), ids=BAD_STARTS.keys())
def test_bad_start_is_400_and_creates_nothing(api, change, code):
    body = {"name": NAME, "start_date": arrow_format(now()), "end_date": None,
            "status": "in_progress", "source": SOURCE, "destination": DESTINATION}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not MISSING}
    error_of(api.post("/etl_jobs", json=body, headers=RETURN), 400, code)
    assert snapshot(api) == []


def test_start_without_source_or_destination_fields_is_400(api):
    body = {"name": NAME, "start_date": arrow_format(now()), "status": "in_progress"}
    error_of(api.post("/etl_jobs", json=body, headers=RETURN), 400, "23502")
    assert snapshot(api) == []


BAD_RESULTS = {
    "status done": ({"status": "done"}, "22023"),
    "unknown field": ({"status": "success", "colour": "red"}, "PGRST204"),
    "source removed": ({"status": "success", "source": None}, "23502"),
    "end_date not a time": ({"status": "success", "end_date": "soon"}, "22007"),
    "records_processed not a number": ({"status": "success", "records_processed": "x"},
                                       "22P02"),
    "records_processed negative": ({"status": "success", "records_processed": -5}, "23514"),
}


@pytest.mark.parametrize(("body", "code"), BAD_RESULTS.values(), ids=BAD_RESULTS.keys())
def test_bad_result_is_400_and_changes_nothing(api, body, code):
    run = start(api)
    before = snapshot(api)
    error_of(api.patch(f"/etl_jobs?id=eq.{run['id']}", json=body, headers=RETURN), 400, code)
    assert snapshot(api) == before
    assert runs(api) == [run]


NOT_ETL_STATUSES = ["queued", "scheduled", "cancelling", "cancelled"]
@pytest.mark.parametrize("status", NOT_ETL_STATUSES)
def test_start_with_a_status_outside_the_run_log_is_400(api, status):
    body = {"name": NAME, "start_date": arrow_format(now()), "end_date": None,
            "status": status, "source": SOURCE, "destination": DESTINATION}
    error_of(api.post("/etl_jobs", json=body, headers=RETURN), 400, "22023")
    assert snapshot(api) == []


@pytest.mark.parametrize("status", NOT_ETL_STATUSES)
def test_result_with_a_status_outside_the_run_log_is_400(api, status):
    run = start(api)
    before = snapshot(api)
    response = api.patch(f"/etl_jobs?id=eq.{run['id']}", json={"status": status},
                         headers=RETURN)
    error_of(response, 400, "22023")
    assert snapshot(api) == before
    claimed = api.rpc("claim_jobs", {"worker": "w1"}, role="jobs_worker", sub="w1")
    assert claimed.status_code == 200 and claimed.json() == []


def test_a_successful_run_cannot_go_back_to_in_progress(api):
    done = finished_run(api)
    before = snapshot(api)
    response = api.patch(f"/etl_jobs?id=eq.{done['id']}", json={"status": "in_progress"},
                         headers=RETURN)
    error_of(response, 409, "PT409")
    assert snapshot(api) == before
    assert most_recent(api) == at(done["start_date"])


# --- roles ------------------------------------------------------------------------------

def test_a_jobs_user_can_walk_the_whole_workflow(api):
    alice = {"role": "jobs_user", "sub": "alice"}
    assert most_recent(api, **alice) is None
    run = start(api, **alice)
    assert run["status"] == "in_progress"
    done = result(api, run["id"], "success", records_processed=503, **alice)
    assert done["records_processed"] == 503
    assert most_recent(api, **alice) == at(run["start_date"])
    assert last_success(api, **alice) == at(run["start_date"])
    failed = result(api, start(api, **alice)["id"], "error", message="boom", **alice)
    assert failed["status"] == "error"
    response = api.delete(f"/etl_jobs?name=eq.{NAME}", **alice)
    assert response.status_code == 204, response.text
    assert runs(api) == []


def test_a_jobs_user_run_is_owned_by_its_subject(api):
    run = start(api, role="jobs_user", sub="alice")
    assert job_of(api, run["id"])["owner"] == "alice"


@pytest.mark.parametrize("request_kind", ["most_recent", "last_success", "start", "result",
                                          "delete"])
def test_no_token_is_401_and_changes_nothing(api, request_kind):
    run = start(api)
    before = snapshot(api)
    anon = {"role": None}
    response = {
        "most_recent": lambda: most_recent_response(api, **anon),
        "last_success": lambda: api.get(f"/rpc/last_success?name={NAME}", **anon),
        "start": lambda: start_response(api, **anon),
        "result": lambda: result_response(api, run["id"], "success", **anon),
        "delete": lambda: api.delete(f"/etl_jobs?name=eq.{NAME}", **anon),
    }[request_kind]()
    error_of(response, 401)
    assert snapshot(api) == before
