"""Recurring schedules (sql/20_internals/schedules.sql): what a schedule
stores, how maintenance fires it, missed fire times, and exactly one job per
fire time however many callers race."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from factories import call


def add(db: psycopg.Connection, name: str = "nightly", cron: str = "0 3 * * *",
        **fields: Any) -> dict[str, Any]:
    fields = {"job_name": "report", **fields}
    cols = ", ".join(["name", "cron", *fields])
    marks = ", ".join(["%s"] * (2 + len(fields)))
    with db.cursor(row_factory=dict_row) as cur:
        cur.execute(f"INSERT INTO api.schedules ({cols}) VALUES ({marks}) RETURNING *",
                    [name, cron, *fields.values()])
        row = cur.fetchone()
        assert row is not None
        return row


def schedule(db: psycopg.Connection, name: str = "nightly") -> dict[str, Any]:
    with db.cursor(row_factory=dict_row) as cur:
        return cur.execute("SELECT * FROM api.schedules WHERE name = %s", (name,)).fetchone()


def fired(db: psycopg.Connection, name: str = "nightly") -> list[dict[str, Any]]:
    with db.cursor(row_factory=dict_row) as cur:
        return cur.execute("SELECT * FROM api.jobs WHERE schedule_name = %s ORDER BY fire_at",
                           (name,)).fetchall()


def maintain(db: psycopg.Connection) -> dict[str, Any]:
    return call(db, "run_maintenance")[0]["run_maintenance"]


def due_since(db: psycopg.Connection, ago: str, name: str = "nightly") -> None:
    """As if the schedule's next fire time was `ago` in the past (minutes are whole)."""
    db.execute("UPDATE jobs.schedule SET next_fire_at = date_trunc('minute', now())"
               f" - interval '{ago}' WHERE name = %s", (name,))


def test_a_new_schedule_knows_its_next_fire_time(db):
    row = add(db, cron="30 9 * * *", time_zone="Europe/Berlin")
    now = db.execute("SELECT now()").fetchone()[0]
    local = row["next_fire_at"].astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (9, 30)
    assert now < row["next_fire_at"] <= now + timedelta(days=1)
    assert (row["enabled"], row["on_missed"], row["last_fire_at"]) == (True, "run_once", None)
    assert row["owner"] == "postgres"


@pytest.mark.parametrize(("fields", "words"), [
    ({"cron": "61 * * * *"}, "61"),
    ({"cron": "* * *"}, "expected 5"),
    ({"cron": "0 0 30 2 *"}, "never"),
    ({"time_zone": "Mars/Base"}, "Mars/Base"),
    ({"on_missed": "catch_up"}, "schedule_on_missed_is_known"),
    ({"priority": 9}, "schedule_priority_in_range"),
])
def test_a_bad_schedule_is_refused_and_nothing_is_stored(db, fields, words):
    with pytest.raises(psycopg.Error) as info:
        add(db, **{"cron": "0 3 * * *", **fields})
    assert info.value.sqlstate in ("22023", "23514")
    assert words in str(info.value)
    assert db.execute("SELECT count(*) FROM jobs.schedule").fetchone() == (0,)


def test_a_bad_change_is_refused_and_the_schedule_stays(db):
    before = add(db)
    with pytest.raises(psycopg.Error) as info:
        db.execute("UPDATE api.schedules SET cron = '0 25 * * *' WHERE name = 'nightly'")
    assert info.value.sqlstate == "22023"
    assert schedule(db) == before


def test_maintenance_fires_a_due_schedule_once_and_moves_on(db):
    add(db, cron="* * * * *", payload='{"full": false}', priority=3, queue="reports")
    due_since(db, "0 minutes")
    fire_at = schedule(db)["next_fire_at"]
    assert maintain(db)["schedules_fired"] == 1
    [job] = fired(db)
    assert (job["name"], job["queue"], job["priority"], job["payload"]) == \
        ("report", "reports", 3, {"full": False})
    assert (job["fire_at"], job["owner"], job["status"]) == (fire_at, "postgres", "queued")
    row = schedule(db)
    assert row["last_fire_at"] == fire_at and row["next_fire_at"] > fire_at
    assert maintain(db)["schedules_fired"] == 0
    assert len(fired(db)) == 1


def test_fire_times_reached_a_little_late_each_get_their_job(db):
    add(db, cron="* * * * *")
    due_since(db, "3 minutes")
    assert maintain(db)["schedules_fired"] == 4  # 3 minutes ago, 2, 1 and this minute
    times = [j["fire_at"] for j in fired(db)]
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(times)] == [60, 60, 60]


def test_missed_fire_times_run_once(db):
    add(db, cron="*/10 * * * *")
    due_since(db, "3 hours")
    result = maintain(db)
    assert (result["schedules_fired"], result["missed_skipped"]) == (1, 0)
    [job] = fired(db)
    assert job["fire_at"] == schedule(db)["last_fire_at"]  # the first fire time missed
    assert schedule(db)["next_fire_at"] > db.execute("SELECT now()").fetchone()[0]


def test_missed_fire_times_can_be_skipped(db):
    add(db, cron="*/10 * * * *", on_missed="skip")
    due_since(db, "3 hours")
    result = maintain(db)
    assert (result["schedules_fired"], result["missed_skipped"]) == (0, 1)
    assert fired(db) == []
    assert schedule(db)["next_fire_at"] > db.execute("SELECT now()").fetchone()[0]


def test_a_disabled_schedule_does_not_fire_and_starts_afresh_when_enabled(db):
    add(db, cron="* * * * *")
    due_since(db, "2 hours")
    db.execute("UPDATE api.schedules SET enabled = false WHERE name = 'nightly'")
    assert schedule(db)["next_fire_at"] is None
    assert maintain(db)["schedules_fired"] == 0
    db.execute("UPDATE api.schedules SET enabled = true WHERE name = 'nightly'")
    assert schedule(db)["next_fire_at"] > db.execute("SELECT now()").fetchone()[0]
    assert maintain(db)["schedules_fired"] == 0


def test_run_schedule_enqueues_one_job_now_even_when_disabled(db):
    add(db, enabled=False)
    [job] = call(db, "run_schedule", name="nightly")
    assert (job["schedule_name"], job["status"], job["name"]) == ("nightly", "queued", "report")
    assert schedule(db)["next_fire_at"] is None
    with pytest.raises(psycopg.Error) as info:
        call(db, "run_schedule", name="no-such")
    assert info.value.sqlstate == "PT404"


def test_a_retry_of_a_fired_job_keeps_its_schedule_name(db):
    add(db, cron="* * * * *")
    due_since(db, "0 minutes")
    maintain(db)
    [job] = fired(db)
    db.execute("UPDATE jobs.job SET status = 'running' WHERE id = %s", (job["id"],))
    db.execute("UPDATE jobs.job SET status = 'failed' WHERE id = %s", (job["id"],))
    [retry] = call(db, "retry_job", job_id=job["id"])
    assert [j["id"] for j in fired(db)] == [job["id"], retry["id"]]


def test_eight_callers_racing_over_one_fire_time_enqueue_one_job(db, connect):
    """The unique index decides, not a lock: the first caller inserts and
    holds its transaction open; seven more try the same fire time and wait on
    that row; when the first commits they each get nothing."""
    add(db, cron="0 3 * * *")
    fire_at = "2026-12-07T03:00:00Z"
    first = connect()
    first.execute("BEGIN")
    [(winner,)] = first.execute("SELECT jobs_internal.fire_schedule('nightly', %s)",
                                (fire_at,)).fetchall()
    assert winner is not None
    others = [connect() for _ in range(7)]
    answers: list[Any] = []
    errors: list[BaseException] = []

    def race(conn: psycopg.Connection) -> None:
        try:
            answers.append(conn.execute("SELECT jobs_internal.fire_schedule('nightly', %s)",
                                        (fire_at,)).fetchone()[0])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(c,)) for c in others]
    for thread in threads:
        thread.start()
    # Every one of them is waiting for the first caller's transaction.
    pids = [c.info.backend_pid for c in others]
    for _ in range(500):
        waiting = db.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)"
                             " AND wait_event_type = 'Lock'", (pids,)).fetchone()[0]
        if waiting == len(pids):
            break
        threading.Event().wait(0.01)
    assert waiting == len(pids)
    first.execute("COMMIT")
    for thread in threads:
        thread.join(10)
    assert errors == [] and answers == [None] * 7
    assert [j["id"] for j in fired(db)] == [winner]


def test_eight_maintenance_runs_at_once_fire_each_time_once(db, connect):
    add(db, cron="* * * * *")
    due_since(db, "2 minutes")
    conns = [connect() for _ in range(8)]
    start = threading.Barrier(8)
    results: list[dict[str, Any]] = []

    def go(conn: psycopg.Connection) -> None:
        start.wait()
        results.append(conn.execute("SELECT api.run_maintenance()").fetchone()[0])

    threads = [threading.Thread(target=go, args=(c,)) for c in conns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(r.get("schedules_fired", 0) for r in results) == 3
    times = [j["fire_at"] for j in fired(db)]
    assert len(times) == len(set(times)) == 3
