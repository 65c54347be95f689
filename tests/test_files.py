"""Files and logs attached to jobs."""

from __future__ import annotations

import psycopg
import pytest

from factories import finish, make_job


def attach(db, job_id, **fields):
    fields = {"name": "out.csv", **fields, "job_id": job_id}
    cols = ", ".join(fields)
    return db.execute(f"INSERT INTO api.job_files ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"
                      " RETURNING id", list(fields.values())).fetchone()[0]


def test_files_are_listed_with_their_job(db):
    job_id = make_job(db)["id"]
    attach(db, job_id, name="matched.json", host="h1", path="/results/1/matched.json",
           size_bytes=1234)
    attach(db, job_id, name="run.log", kind="log")
    files = db.execute("SELECT f.name, f.kind, f.size_bytes FROM api.jobs j, api.files(j) f"
                       " WHERE j.id = %s ORDER BY f.id", (job_id,)).fetchall()
    assert files == [("matched.json", "file", 1234), ("run.log", "log", 0)]


def test_a_file_needs_an_existing_job(db):
    with pytest.raises(psycopg.Error) as info:
        attach(db, 9999)
    assert info.value.sqlstate == "PT404"


@pytest.mark.parametrize(("field", "value"), [("kind", "video"), ("name", ""),
                                              ("size_bytes", -1)])
def test_bad_file_fields_are_refused(db, field, value):
    job_id = make_job(db)["id"]
    with pytest.raises(psycopg.errors.CheckViolation):
        attach(db, job_id, **{field: value})


def test_deleting_a_job_deletes_its_files(db):
    keep, drop = make_job(db)["id"], make_job(db)["id"]
    attach(db, keep)
    attach(db, drop)
    finish(db, drop)
    db.execute("DELETE FROM api.jobs WHERE id = %s", (drop,))
    assert db.execute("SELECT job_id FROM api.job_files").fetchall() == [(keep,)]
