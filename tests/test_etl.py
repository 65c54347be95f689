"""The ETL run log (seed 003): etl_jobs and last_success, at the SQL level."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

FIELDS = ["id", "name", "start_date", "end_date", "message", "status", "records_processed",
          "source", "destination"]


def start(db, name="my_etl_job", **fields):
    values = {"name": name, "status": "in_progress", "source": "inventory_system",
              "destination": "data_warehouse", **fields}
    cols = ", ".join(values)
    with db.cursor(row_factory=dict_row) as cur:
        cur.execute(f"INSERT INTO api.etl_jobs ({cols}) VALUES"
                    f" ({', '.join(['%s'] * len(values))}) RETURNING *", list(values.values()))
        return cur.fetchone()


def result(db, run_id, **fields):
    sets = ", ".join(f"{k} = %s" for k in fields)
    with db.cursor(row_factory=dict_row) as cur:
        cur.execute(f"UPDATE api.etl_jobs SET {sets} WHERE id = %s RETURNING *",
                    [*fields.values(), run_id])
        return cur.fetchone()


def test_a_run_starts_in_progress_with_the_seed_fields(db):
    run = start(db)
    assert list(run) == FIELDS
    assert (run["status"], run["end_date"], run["records_processed"], run["message"]) == \
        ("in_progress", None, None, None)
    assert run["start_date"] is not None
    job = db.execute("SELECT type, status::text, queue FROM jobs.job WHERE id = %s",
                     (run["id"],)).fetchone()
    assert job == ("etl", "running", "etl")


def test_success_fills_in_the_end_and_moves_the_watermark(db):
    assert db.execute("SELECT api.last_success('my_etl_job')").fetchone() == (None,)
    first = start(db)
    done = result(db, first["id"], status="success", records_processed=503)
    assert done["status"] == "success" and done["records_processed"] == 503
    assert done["end_date"] is not None
    second = start(db)
    # Still the first run's start: the second is in progress.
    assert db.execute("SELECT api.last_success('my_etl_job')").fetchone() == \
        (first["start_date"],)
    result(db, second["id"], status="success")
    assert db.execute("SELECT api.last_success('my_etl_job')").fetchone() == \
        (second["start_date"],)


def test_a_given_end_date_is_kept(db):
    run = start(db, start_date="2018-06-17T17:18:53+00:00")
    done = result(db, run["id"], status="success", end_date="2018-06-17T17:35:08+00:00")
    assert done["end_date"].isoformat() == "2018-06-17T17:35:08+00:00"


def test_an_error_run_keeps_its_message(db):
    run = start(db)
    done = result(db, run["id"], status="error", records_processed=0,
                  message="A database error occured.")
    assert (done["status"], done["message"], done["records_processed"]) == \
        ("error", "A database error occured.", 0)
    assert db.execute("SELECT status::text, error FROM jobs.job").fetchone() == \
        ("failed", "A database error occured.")


def test_a_finished_run_cannot_go_back(db):
    run = start(db)
    result(db, run["id"], status="success")
    with pytest.raises(psycopg.Error) as info:
        result(db, run["id"], status="in_progress")
    assert info.value.sqlstate == "PT409"


@pytest.mark.parametrize(("fields", "sqlstate"), [
    ({"status": "done"}, "22023"),
    ({"source": None}, "23502"),
    ({"destination": None}, "23502"),
])
def test_bad_runs_are_refused(db, fields, sqlstate):
    with pytest.raises(psycopg.Error) as info:
        start(db, **fields)
    assert info.value.sqlstate == sqlstate
    assert db.execute("SELECT count(*) FROM jobs.job").fetchone() == (0,)


def test_delete_by_name_removes_that_names_finished_runs(db):
    mine = start(db)
    result(db, mine["id"], status="success")
    other = start(db, name="other_job")
    result(db, other["id"], status="success")
    db.execute("DELETE FROM api.etl_jobs WHERE name = 'my_etl_job'")
    assert db.execute("SELECT name FROM api.etl_jobs").fetchall() == [("other_job",)]
    running = start(db)
    with pytest.raises(psycopg.Error) as info:
        db.execute("DELETE FROM api.etl_jobs WHERE id = %s", (running["id"],))
    assert info.value.sqlstate == "PT409"
