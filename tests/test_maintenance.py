"""api.run_maintenance: every action it takes, called directly, and how it
keeps to one run at a time (test_maintenance_cron.py shows pg_cron calling
it)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from factories import call, finish, job, make_job, run


def maintain(db: psycopg.Connection, **args: Any) -> dict[str, Any]:
    [row] = call(db, "run_maintenance", **args)
    return row["run_maintenance"]


def test_a_run_answers_what_it_did_and_is_recorded(db):
    result = maintain(db)
    assert result["ran"] is True
    assert set(result) >= {"leases_rescued", "schedules_fired", "missed_skipped", "jobs_queued",
                           "jobs_expired", "jobs_pruned", "count_rows_folded",
                           "history_rows_folded", "history_rows_deleted", "duration_ms"}
    status = db.execute("SELECT mode, runs, last_result, last_started_at <= last_finished_at"
                        " FROM api.maintenance").fetchone()
    assert status[0] == "workers"  # no pg_cron in this database
    assert status[1] == 1 and status[2] == result and status[3] is True


def test_a_run_within_the_interval_does_nothing(db):
    assert maintain(db)["ran"] is True
    again = maintain(db, min_interval_seconds=60)
    assert again["ran"] is False and "ran" in again["reason"] and "s ago" in again["reason"]
    assert db.execute("SELECT runs FROM api.maintenance").fetchone() == (1,)
    assert maintain(db, min_interval_seconds=0)["ran"] is True


def test_a_second_caller_returns_at_once_while_a_run_is_in_progress(db, connect):
    first = connect()
    first.execute("BEGIN")
    first.execute("SELECT api.run_maintenance()")  # holds the run until it commits
    second = connect()
    second.execute("SET lock_timeout = '1s'")  # waiting would fail the test, not hang it
    [result] = second.execute("SELECT api.run_maintenance()").fetchone()
    assert result == {"ran": False, "reason": "another maintenance run is in progress"}
    first.execute("COMMIT")
    assert db.execute("SELECT runs FROM api.maintenance").fetchone() == (1,)


def test_unless_pg_cron_runs_it_where_pg_cron_does_not(db):
    assert maintain(db, unless_pg_cron=True)["ran"] is True


@pytest.mark.parametrize("args", [{"min_interval_seconds": -1},
                                  {"min_interval_seconds": 86401},
                                  {"min_interval_seconds": None},
                                  {"unless_pg_cron": None}])
def test_bad_arguments_are_refused_and_nothing_runs(db, args):
    with pytest.raises(psycopg.Error) as info:
        maintain(db, **args)
    assert info.value.sqlstate == "22023"
    assert db.execute("SELECT runs FROM api.maintenance").fetchone() == (0,)


def test_expired_leases_are_rescued_in_every_queue(db):
    jobs = [make_job(db, queue=q)["id"] for q in ("nobody-claims-here", "nor-here")]
    for job_id in jobs:
        run(db, job_id)
    db.execute("UPDATE jobs.job SET lease_expires_at = now() - interval '1 s'")
    assert maintain(db)["leases_rescued"] == 2
    assert [job(db, j)["status"] for j in jobs] == ["queued", "queued"]


def test_due_scheduled_jobs_are_queued(db):
    due = make_job(db, run_at="2999-01-01T00:00:00Z")["id"]
    later = make_job(db, run_at="2999-01-01T00:00:00Z")["id"]
    db.execute("UPDATE jobs.job SET run_at = now() - interval '1 s' WHERE id = %s", (due,))
    assert maintain(db)["jobs_queued"] == 1
    assert (job(db, due)["status"], job(db, later)["status"]) == ("queued", "scheduled")


def test_retention_and_expiry_happen_without_anyone_calling_prune(db):
    db.execute("INSERT INTO api.queues (name, keep_completed) VALUES ('q', 1)")
    done = [make_job(db, queue="q", name="n")["id"] for _ in range(4)]
    for job_id in done:
        finish(db, job_id)
    old = make_job(db, queue="other", name="o", expires_at="2020-01-01T00:00:00Z")["id"]
    newer = make_job(db, queue="other", name="o")["id"]
    finish(db, old)
    finish(db, newer)
    result = maintain(db)
    assert (result["jobs_pruned"], result["jobs_expired"]) == (3, 1)
    left = {r[0] for r in db.execute("SELECT id FROM jobs.job").fetchall()}
    assert left == {done[-1], newer}


def test_the_hot_path_folds_nothing_and_maintenance_folds_only_what_was_added(db):
    for _ in range(50):
        make_job(db, queue="many")
    # One ledger row per statement, none folded by the statements themselves.
    assert db.execute("SELECT count(*) FROM jobs.queue_count WHERE NOT folded").fetchone() == (50,)
    assert maintain(db)["count_rows_folded"] == 50
    assert db.execute("SELECT count(*), sum(jobs) FROM jobs.queue_count").fetchone() == (1, 50)
    make_job(db, queue="many")
    assert maintain(db)["count_rows_folded"] == 1
    assert db.execute("SELECT folded, jobs FROM jobs.queue_count").fetchall() == [(True, 51)]
    assert db.execute("SELECT counts->>'queued' FROM api.queues WHERE name = 'many'"
                      ).fetchone() == ("51",)


def test_history_is_folded_and_has_its_own_retention(db):
    for _ in range(3):
        job_id = make_job(db, name="nightly")["id"]
        finish(db, job_id)
    assert maintain(db)["history_rows_folded"] >= 3
    [(rows, jobs)] = db.execute("SELECT count(*), sum(jobs) FROM jobs.job_history").fetchall()
    assert jobs == 3 and rows <= 3
    db.execute("UPDATE jobs.job_history SET day = day - 40")
    db.execute("UPDATE api.maintenance SET history_days = 30")
    assert maintain(db)["history_rows_deleted"] == rows
    assert db.execute("SELECT count(*) FROM api.daily_job_stats").fetchone() == (0,)


def test_history_days_is_checked(db):
    with pytest.raises(psycopg.Error) as info:
        db.execute("UPDATE api.maintenance SET history_days = 0")
    assert info.value.sqlstate == "23514"
    assert db.execute("SELECT history_days FROM api.maintenance").fetchone() == (400,)


@pytest.mark.parametrize(("role", "function"), [
    ("jobs_worker", "jobs_internal.fire_schedule('any', now())"),
    ("jobs_user", "jobs_internal.fire_schedule('any', now())"),
    ("jobs_admin", "jobs_internal.fold_queue_counts()"),
    ("jobs_worker", "jobs_internal.fire_due_schedules()"),
    ("jobs_user", "jobs_internal.prune_history()"),
    ("jobs_user", "jobs_internal.rebuild_queue_counts()"),  # a SHARE lock on jobs
    ("jobs_worker", "jobs_internal.promote_due_jobs()"),
    ("jobs_user", "jobs_internal.pick_due_scheduled('{q}', 1000)"),
])
def test_no_api_role_runs_a_piece_of_maintenance_on_its_own(db, role, function):
    db.execute(f"SET ROLE {role}")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        db.execute(f"SELECT {function}")
    db.execute("RESET ROLE")
