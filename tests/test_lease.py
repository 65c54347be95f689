"""A job whose worker vanished is never lost: lease rescue."""

from __future__ import annotations

from factories import call, events, job, make_job


def claimed(db, worker="w1", **fields):
    job_id = make_job(db, **fields)["id"]
    [row] = call(db, "claim_jobs", queues=[fields.get("queue", "default")], worker=worker)
    assert row["id"] == job_id
    return job_id


def expire(db, job_id):
    db.execute("UPDATE jobs.job SET lease_expires_at = now() - interval '1 s' WHERE id = %s",
               (job_id,))


def test_expired_lease_goes_back_to_the_queue_with_the_attempt_counted(db):
    job_id = claimed(db, max_attempts=3)
    expire(db, job_id)
    [row] = call(db, "reap_expired_leases")
    assert row["id"] == job_id and row["status"] == "queued" and row["attempts"] == 1
    assert "w1" in row["error"] and len(row["errors"]) == 1
    assert events(db, job_id)[-1] == ("running", "queued")


def test_expired_lease_on_the_last_attempt_fails_the_job(db):
    job_id = claimed(db, max_attempts=1)
    expire(db, job_id)
    [row] = call(db, "reap_expired_leases")
    assert row["status"] == "failed" and row["ended_at"] is not None


def test_expired_lease_of_a_cancelling_job_cancels_it(db):
    job_id = claimed(db)
    call(db, "cancel_job", job_id=job_id)
    expire(db, job_id)
    [row] = call(db, "reap_expired_leases")
    assert row["status"] == "cancelled"


def test_live_leases_are_left_alone(db):
    job_id = claimed(db)
    assert call(db, "reap_expired_leases") == []
    assert job(db, job_id)["status"] == "running"


def test_claim_rescues_lazily_and_the_next_worker_gets_the_job(db):
    job_id = claimed(db, worker="dead")
    expire(db, job_id)
    [row] = call(db, "claim_jobs", queues=["default"], worker="alive")
    assert row["id"] == job_id and row["worker"] == "alive" and row["attempts"] == 2


def test_the_vanished_worker_can_no_longer_report(db):
    job_id = claimed(db, worker="dead")
    expire(db, job_id)
    call(db, "claim_jobs", queues=["default"], worker="alive")
    for function in ("complete_job", "fail_job", "heartbeat"):
        try:
            call(db, function, job_id=job_id, worker="dead")
        except Exception as exc:  # noqa: BLE001 - asserting on the SQLSTATE below
            assert getattr(exc, "sqlstate", None) == "PT409"
        else:
            raise AssertionError(f"{function} by the dead worker was accepted")
    assert job(db, job_id)["worker"] == "alive"


def test_a_worker_dying_inside_its_claim_transaction_loses_nothing(db, connect):
    job_id = make_job(db)["id"]
    worker = connect()
    worker.autocommit = False
    worker.execute("SELECT * FROM api.claim_jobs(queues => ARRAY['default'], worker => 'w')")
    pid = worker.info.backend_pid
    db.execute("SELECT pg_terminate_backend(%s)", (pid,))
    db.execute("SELECT pg_sleep(0.1)")
    assert job(db, job_id)["status"] == "queued"
    [row] = call(db, "claim_jobs", queues=["default"], worker="w2")
    assert row["id"] == job_id
