"""Named locks (seeds 000 and 001): mutual exclusion of running jobs."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from factories import call, job, make_job
from races import outcome, start_blocked


def claim(db, worker="w1", max_jobs=10, queues=("default",)):
    return [j["id"] for j in call(db, "claim_jobs", queues=list(queues), worker=worker,
                                  max_jobs=max_jobs)]


def held(db):
    return dict(db.execute("SELECT name, job_id FROM api.job_locks").fetchall())


def test_claim_skips_a_job_whose_lock_is_held_and_hands_out_the_next(db):
    first = make_job(db, locks=["flow:F1"])["id"]
    blocked = make_job(db, locks=["flow:F1"])["id"]
    free = make_job(db)["id"]
    assert claim(db, max_jobs=1) == [first]
    assert held(db) == {"flow:F1": first}
    assert claim(db, max_jobs=1) == [free]
    assert claim(db) == []
    assert job(db, blocked)["status"] == "queued"


def test_one_batch_never_takes_two_jobs_sharing_a_lock(db):
    a = make_job(db, locks=["flow:F1"], priority=3)["id"]
    make_job(db, locks=["flow:F1"])
    c = make_job(db, locks=["flow:F2"])["id"]
    assert sorted(claim(db)) == [a, c]


def test_finishing_releases_the_lock_and_the_next_job_runs(db):
    first = make_job(db, locks=["flow:F1", "device:x"])["id"]
    second = make_job(db, locks=["device:x"])["id"]
    claim(db, max_jobs=1)
    call(db, "complete_job", job_id=first)
    assert held(db) == {}
    assert claim(db) == [second]


@pytest.mark.parametrize("how", ["fail_retry", "fail_final", "cancel", "reap"])
def test_every_way_out_of_running_releases_locks(db, how):
    job_id = make_job(db, locks=["L"], max_attempts=2 if how == "fail_retry" else 1)["id"]
    claim(db)
    if how.startswith("fail"):
        call(db, "fail_job", job_id=job_id, error="x")
    elif how == "cancel":
        call(db, "cancel_job", job_id=job_id)
        call(db, "heartbeat", job_id=job_id)
    else:
        db.execute("UPDATE jobs.job SET lease_expires_at = now() - interval '1 s' WHERE id = %s",
                   (job_id,))
        call(db, "reap_expired_leases")
    assert held(db) == {}


def test_a_cancelling_job_keeps_its_lock_until_its_worker_stops(db):
    job_id = make_job(db, locks=["L"])["id"]
    claim(db)
    call(db, "cancel_job", job_id=job_id)
    assert held(db) == {"L": job_id}


def test_deleting_a_job_removes_a_lock_left_behind(db):
    job_id = make_job(db)["id"]
    call(db, "cancel_job", job_id=job_id)
    db.execute("INSERT INTO jobs.job_lock (name, job_id) VALUES ('L', %s)", (job_id,))
    db.execute("DELETE FROM api.jobs WHERE id = %s", (job_id,))
    assert held(db) == {}


def test_a_lock_name_must_be_a_name(db):
    for locks in ([None], [""], ["x" * 1001]):
        with pytest.raises(psycopg.errors.CheckViolation):
            make_job(db, locks=locks)


def test_acquire_and_release_for_scripts(db):
    [lock] = call(db, "acquire_lock", name="devices")
    assert lock["name"] == "devices" and lock["worker"] == "postgres" and lock["job_id"] is None
    with pytest.raises(psycopg.Error) as info:
        call(db, "acquire_lock", name="devices")
    assert info.value.sqlstate == "PT409"
    # A job that names the lock waits while the script holds it.
    waiting = make_job(db, locks=["devices"])["id"]
    assert claim(db) == []
    [released] = call(db, "release_lock", name="devices")
    assert released["name"] == "devices"
    assert claim(db) == [waiting]
    with pytest.raises(psycopg.Error) as info:
        call(db, "release_lock", name="nothing")
    assert info.value.sqlstate == "PT404"


def test_acquire_for_the_job_that_holds_it_is_not_a_conflict(db):
    job_id = make_job(db, locks=["L"])["id"]
    claim(db)
    [lock] = call(db, "acquire_lock", name="L", job_id=job_id)
    assert lock["job_id"] == job_id
    other = make_job(db)["id"]
    with pytest.raises(psycopg.Error) as info:
        call(db, "acquire_lock", name="L", job_id=other)
    assert info.value.sqlstate == "PT409"


def test_clearing_a_stale_lock_by_hand(db):
    job_id = make_job(db, locks=["devices"])["id"]
    claim(db)
    db.execute("DELETE FROM api.job_locks WHERE name = 'devices'")
    assert held(db) == {}
    assert job(db, job_id)["status"] == "running"


def test_one_running_job_per_flow_under_concurrent_claims(db, connect):
    """16 jobs of one flow and 16 others, 8 claimers that hold what they get
    for a moment: the flow's jobs never overlap."""
    for _ in range(16):
        make_job(db, queue="flows", locks=["flow:F1"])
        make_job(db, queue="flows")
    overlaps: list[tuple] = []
    errors: list[BaseException] = []
    conns = [connect() for _ in range(8)]
    start = threading.Barrier(8)

    def work(n: int) -> None:
        conn = conns[n]
        conn.execute("SET lock_timeout = '5s'")
        try:
            start.wait()
            idle = 0
            while idle < 20:
                got = call(conn, "claim_jobs", queues=["flows"], worker=f"w{n}", max_jobs=2)
                if not got:
                    idle += 1
                    time.sleep(0.01)
                    continue
                idle = 0
                running = conn.execute(
                    "SELECT count(*) FROM jobs.job WHERE status = 'running'"
                    " AND 'flow:F1' = ANY(locks)").fetchone()[0]
                if running > 1:
                    overlaps.append((n, running))
                time.sleep(0.005)
                for j in got:
                    call(conn, "complete_job", job_id=j["id"], worker=f"w{n}")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert not overlaps
    assert db.execute("SELECT status::text, count(*) FROM jobs.job GROUP BY 1").fetchall() == \
        [("completed", 32)]


@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_a_claim_waits_for_a_concurrent_claim_of_the_same_lock(db, connect, ending):
    """Scripted: c1 claims a job naming flow:F1 and has not committed; c2's
    claim (which skips c1's row-locked job and picks the other job of that
    flow) waits for c1's lock row. c1 commits: c2 gets nothing (the flow runs
    once at a time). c1 rolls back: c2 gets the other job."""
    first = make_job(db, queue="flows", locks=["flow:F1"])["id"]
    second = make_job(db, queue="flows", locks=["flow:F1"])["id"]
    c1, c2 = connect(), connect()
    c1.execute("BEGIN")
    assert [r["id"] for r in call(c1, "claim_jobs", queues=["flows"], worker="c1")] == [first]
    claiming = start_blocked(db, c2, c1, lambda: [
        r["id"] for r in call(c2, "claim_jobs", queues=["flows"], worker="c2")])
    c1.execute(ending.upper())
    running = first if ending == "commit" else second
    assert outcome(claiming) == ([] if ending == "commit" else [second])
    assert db.execute("SELECT id FROM jobs.job WHERE status = 'running'").fetchall() == [(running,)]
    assert db.execute("SELECT job_id FROM jobs.job_lock").fetchall() == [(running,)]
