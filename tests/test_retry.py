"""Manual retries with lineage (seed 000), at the SQL level."""

from __future__ import annotations

import psycopg
import pytest

from factories import call, finish, job, make_job, place


def sqlstate(db, function, **args):
    with pytest.raises(psycopg.Error) as info:
        call(db, function, **args)
    return info.value.sqlstate


def test_retry_of_a_failed_job_is_a_new_linked_job(db):
    original = make_job(db, name="export", queue="q", priority=3, payload={"flow": 1},
                        meta={"flow": "F1"})["id"]
    finish(db, original, "failed")
    before = job(db, original)
    [retry] = call(db, "retry_job", job_id=original)
    assert retry["id"] != original
    assert (retry["type"], retry["status"], retry["retry_of"], retry["root_job_id"]) == \
        ("retry", "queued", original, original)
    assert (retry["queue"], retry["name"], retry["priority"], retry["payload"], retry["meta"]) == \
        ("q", "export", 3, {"flow": 1}, {"flow": "F1"})
    assert job(db, original) == before


def test_a_completed_job_with_errors_is_retriable(db):
    original = make_job(db)["id"]
    finish(db, original, num_error=2)
    [retry] = call(db, "retry_job", job_id=original)
    assert retry["retry_of"] == original


@pytest.mark.parametrize("status", ["scheduled", "queued", "running", "completed", "cancelled"])
def test_only_failed_or_erroneous_jobs_are_retriable(db, status):
    job_id = place(db, status)
    assert sqlstate(db, "retry_job", job_id=job_id) == "PT409"
    assert db.execute("SELECT count(*) FROM jobs.job").fetchone() == (1,)


def test_retry_of_an_unknown_job_is_404(db):
    assert sqlstate(db, "retry_job", job_id=12345) == "PT404"


def test_retrying_a_retry_keeps_the_root(db):
    original = make_job(db)["id"]
    finish(db, original, "failed")
    [first] = call(db, "retry_job", job_id=original)
    finish(db, first["id"], "failed")
    [second] = call(db, "retry_job", job_id=first["id"])
    assert (second["retry_of"], second["root_job_id"]) == (first["id"], original)


def test_retry_failed_retries_retries_each_failed_retry_once(db):
    original = make_job(db)["id"]
    finish(db, original, "failed")
    retries = [call(db, "retry_job", job_id=original)[0]["id"] for _ in range(3)]
    finish(db, retries[0], "failed")
    finish(db, retries[1], "failed")
    finish(db, retries[2])  # this one succeeded
    new = call(db, "retry_failed_retries", job_id=original)
    assert sorted(r["retry_of"] for r in new) == retries[:2]
    assert all(r["root_job_id"] == original for r in new)
    # Those failed retries are retried now: a second call has nothing to do.
    assert call(db, "retry_failed_retries", job_id=original) == []
    # Called with a retry's id it works on the same chain.
    finish(db, new[0]["id"], "failed")
    [again] = call(db, "retry_failed_retries", job_id=retries[2])
    assert again["retry_of"] == new[0]["id"]


def test_retry_failed_retries_is_one_transaction(db):
    original = make_job(db)["id"]
    finish(db, original, "failed")
    for _ in range(2):
        retry = call(db, "retry_job", job_id=original)[0]["id"]
        finish(db, retry, "failed")
    # The second retry cannot be inserted: everything rolls back.
    db.execute("ALTER TABLE jobs.job ADD CONSTRAINT no_third CHECK (id <= 4)")
    with pytest.raises(psycopg.errors.CheckViolation):
        call(db, "retry_failed_retries", job_id=original)
    assert db.execute("SELECT count(*) FROM jobs.job").fetchone() == (3,)


def test_lineage_totals_count_retries_toward_the_original(db):
    original = make_job(db)["id"]
    finish(db, original, num_success=10, num_error=5, num_ignore=1)
    [retry] = call(db, "retry_job", job_id=original)
    finish(db, retry["id"], num_success=4, num_error=1, num_ignore=2)
    for job_id in (original, retry["id"]):
        [totals] = db.execute("SELECT api.totals(j) FROM api.jobs j WHERE id = %s",
                              (job_id,)).fetchone()
        # The 5 errors were retried: only the retry's 1 error is outstanding.
        assert totals == {"num_success": 14, "num_error": 1, "num_ignore": 3, "jobs": 2}


def test_retries_are_listed_from_the_original(db):
    original = make_job(db)["id"]
    finish(db, original, "failed")
    [r1] = call(db, "retry_job", job_id=original)
    finish(db, r1["id"], "failed")
    [r2] = call(db, "retry_job", job_id=r1["id"])
    listed = db.execute("SELECT r.id FROM api.jobs j, api.retries(j) r WHERE j.id = %s",
                        (original,)).fetchall()
    assert [r[0] for r in listed] == [r1["id"], r2["id"]]
