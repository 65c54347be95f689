"""The status-transition guard: every pair of statuses, through plain SQL."""

from __future__ import annotations

import itertools

import psycopg
import pytest

from factories import events, job, make_job, place

STATUSES = ["scheduled", "queued", "running", "completed", "failed", "cancelling", "cancelled"]

# The lifecycle of DESIGN.md, written out independently of the SQL.
LEGAL = {
    # A claim takes a due scheduled job without queueing it first.
    ("scheduled", "queued"), ("scheduled", "running"), ("scheduled", "cancelled"),
    ("queued", "scheduled"), ("queued", "running"), ("queued", "cancelled"),
    ("running", "completed"), ("running", "failed"), ("running", "scheduled"),
    ("running", "queued"), ("running", "cancelling"),
    ("cancelling", "cancelled"),
}
PAIRS = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if a != b]


@pytest.mark.parametrize(("from_status", "to_status"), [p for p in PAIRS if p not in LEGAL])
def test_illegal_transition_is_refused_and_row_unchanged(module_db, from_status, to_status):
    db = module_db
    job_id = place(db, from_status)
    before = job(db, job_id)
    with pytest.raises(psycopg.Error) as info:
        db.execute("UPDATE jobs.job SET status = %s WHERE id = %s", (to_status, job_id))
    assert info.value.sqlstate == "PT409"
    message = info.value.diag.message_primary
    assert from_status in message and to_status in message
    assert job(db, job_id) == before


@pytest.mark.parametrize(("from_status", "to_status"), sorted(LEGAL))
def test_legal_transition_is_recorded(module_db, from_status, to_status):
    db = module_db
    job_id = place(db, from_status)
    db.execute("UPDATE jobs.job SET status = %s WHERE id = %s", (to_status, job_id))
    assert job(db, job_id)["status"] == to_status
    assert events(db, job_id)[-1] == (from_status, to_status)


def test_refused_change_through_the_view_leaves_the_row(db):
    job_id = place(db, "completed")
    before = job(db, job_id)
    with pytest.raises(psycopg.Error) as info:
        db.execute("UPDATE api.jobs SET status = 'queued', priority = 4 WHERE id = %s", (job_id,))
    assert info.value.sqlstate == "PT409"
    assert job(db, job_id) == before


def test_one_bad_row_refuses_the_whole_statement(db):
    ok = make_job(db)["id"]
    done = place(db, "failed")
    with pytest.raises(psycopg.Error):
        db.execute("UPDATE jobs.job SET status = 'cancelled' WHERE id = ANY(%s)", ([ok, done],))
    assert job(db, ok)["status"] == "queued"
    assert job(db, done)["status"] == "failed"


def test_running_stamps_start_and_counts_the_attempt(db):
    job_id = make_job(db)["id"]
    db.execute("UPDATE jobs.job SET status = 'running' WHERE id = %s", (job_id,))
    row = job(db, job_id)
    assert row["attempts"] == 1
    assert row["started_at"] is not None and row["ended_at"] is None


def test_finishing_stamps_end_and_drops_the_lease(db):
    job_id = make_job(db)["id"]
    db.execute("UPDATE jobs.job SET status = 'running', lease_expires_at = now() + interval '1 min'"
               " WHERE id = %s", (job_id,))
    db.execute("UPDATE jobs.job SET status = 'completed' WHERE id = %s", (job_id,))
    row = job(db, job_id)
    assert row["ended_at"] is not None
    assert row["lease_expires_at"] is None
    assert row["progress"] == 100


def test_an_update_without_status_change_records_no_event(db):
    job_id = make_job(db)["id"]
    db.execute("UPDATE api.jobs SET priority = 4 WHERE id = %s", (job_id,))
    assert events(db, job_id) == [(None, "queued")]


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled", "cancelling"])
def test_a_new_job_cannot_start_finished(db, status):
    with pytest.raises(psycopg.Error) as info:
        make_job(db, status=status)
    assert info.value.sqlstate == "22023"
    assert db.execute("SELECT count(*) FROM jobs.job").fetchone() == (0,)


def test_future_run_at_makes_a_new_job_scheduled(db):
    row = make_job(db, run_at="2999-01-01T00:00:00Z")
    assert row["status"] == "scheduled"


def test_a_new_running_job_is_stamped(db):
    row = make_job(db, status="running")
    assert row["attempts"] == 1 and row["started_at"] is not None


@pytest.mark.parametrize("priority", [0, 5, -1])
def test_priority_out_of_range_is_refused_in_words(db, priority):
    with pytest.raises(psycopg.Error) as info:
        make_job(db, priority=priority)
    assert info.value.sqlstate == "22023"
    assert info.value.diag.message_primary == "Priority must be between 1 (low) and 4 (urgent)"
    job_id = make_job(db)["id"]
    with pytest.raises(psycopg.Error) as info:
        db.execute("UPDATE api.jobs SET priority = %s WHERE id = %s", (priority, job_id))
    assert info.value.sqlstate == "22023"
    assert job(db, job_id)["priority"] == 2


@pytest.mark.parametrize(("field", "value", "constraint"), [
    ("name", "", "job_name_not_empty"),
    ("max_attempts", 0, "job_max_attempts_is_positive"),
])
def test_constraints_refuse_bad_submissions(db, field, value, constraint):
    with pytest.raises(psycopg.errors.CheckViolation) as info:
        make_job(db, **{"name": "x", field: value})
    assert info.value.diag.constraint_name == constraint


@pytest.mark.parametrize(("column", "value", "constraint"), [
    ("progress", 101, "job_progress_in_range"),
    ("progress", -1, "job_progress_in_range"),
    ("num_success", -1, "job_num_success_not_negative"),
    ("num_error", -1, "job_num_error_not_negative"),
    ("num_ignore", -1, "job_num_ignore_not_negative"),
    ("attempts", -1, "job_attempts_not_negative"),
])
def test_constraints_refuse_bad_updates(db, column, value, constraint):
    job_id = make_job(db)["id"]
    with pytest.raises(psycopg.errors.CheckViolation) as info:
        db.execute(f"UPDATE jobs.job SET {column} = %s WHERE id = %s", (value, job_id))
    assert info.value.diag.constraint_name == constraint


def test_status_outside_the_canonical_set_is_refused(db):
    with pytest.raises(psycopg.errors.InvalidTextRepresentation):
        make_job(db, status="done")


def test_deleting_an_unfinished_job_is_refused(db):
    job_id = make_job(db)["id"]
    with pytest.raises(psycopg.Error) as info:
        db.execute("DELETE FROM api.jobs WHERE id = %s", (job_id,))
    assert info.value.sqlstate == "PT409"
    assert job(db, job_id)["status"] == "queued"


def test_deleting_a_finished_job_removes_its_events(db):
    job_id = place(db, "completed")
    db.execute("DELETE FROM api.jobs WHERE id = %s", (job_id,))
    assert events(db, job_id) == []


def test_moving_a_queued_job_into_the_future_schedules_it(db):
    job_id = make_job(db)["id"]
    db.execute("UPDATE api.jobs SET run_at = now() + interval '1 h' WHERE id = %s", (job_id,))
    assert job(db, job_id)["status"] == "scheduled"
    assert events(db, job_id)[-1] == ("queued", "scheduled")


def test_queueing_a_scheduled_job_by_hand_makes_it_due_now(db):
    job_id = make_job(db, run_at="2999-01-01T00:00:00Z")["id"]
    db.execute("UPDATE api.jobs SET status = 'queued' WHERE id = %s", (job_id,))
    row = job(db, job_id)
    assert row["status"] == "queued"
    assert db.execute("SELECT %s <= now()", (row["run_at"],)).fetchone() == (True,)


def test_a_queue_with_jobs_cannot_be_deleted(db):
    make_job(db, queue="busy")
    with pytest.raises(psycopg.Error) as info:
        db.execute("DELETE FROM jobs.queue WHERE name = 'busy'")
    assert info.value.sqlstate == "PT409"


def test_insert_naming_default_takes_the_table_defaults(db):
    row = db.execute("INSERT INTO api.jobs (name, priority, payload, status)"
                     " VALUES ('x', DEFAULT, DEFAULT, DEFAULT) RETURNING priority, payload, status::text"
                     ).fetchone()
    assert row == (2, {}, "queued")


TIMES = ["run_at", "expires_at", "created_at", "started_at", "ended_at", "lease_expires_at"]


@pytest.mark.parametrize("when", ["infinity", "-infinity"])
@pytest.mark.parametrize("column", TIMES)
def test_an_infinite_time_is_refused_in_words(db, column, when):
    job_id = make_job(db)["id"]
    before = job(db, job_id)
    with pytest.raises(psycopg.Error) as info:
        db.execute(f"UPDATE jobs.job SET {column} = %s WHERE id = %s", (when, job_id))
    assert info.value.sqlstate == "22023"
    assert info.value.diag.message_primary == f"{column} must be a date and time, not {when}"
    assert job(db, job_id) == before
    with pytest.raises(psycopg.Error) as info:
        db.execute(f"INSERT INTO jobs.job (name, {column}) VALUES ('x', %s)", (when,))
    assert info.value.sqlstate == "22023"
    assert db.execute("SELECT count(*) FROM jobs.job").fetchone() == (1,)


@pytest.mark.parametrize("column", TIMES)
def test_a_constraint_refuses_an_infinite_time_even_without_triggers(db, column):
    db.execute("SET session_replication_role = replica")  # no triggers fire
    try:
        with pytest.raises(psycopg.errors.CheckViolation) as info:
            db.execute(f"INSERT INTO jobs.job (name, {column}) VALUES ('x', 'infinity')")
    finally:
        db.execute("RESET session_replication_role")
    assert info.value.diag.constraint_name == f"job_{column}_is_finite"


def test_a_job_waiting_for_another_cannot_start(db):
    first = make_job(db)
    after = make_job(db, after_job_id=first["id"])
    with pytest.raises(psycopg.Error) as info:
        db.execute("UPDATE jobs.job SET status = 'running' WHERE id = %s", (after["id"],))
    assert info.value.sqlstate == "PT409"
    assert f"waits for job {first['id']}" in info.value.diag.message_primary
    assert job(db, after["id"])["status"] == "scheduled"
