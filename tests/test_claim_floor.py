"""The claim floor (sql/20_internals/claim_floor.sql): a claim reads each
priority of each queue from a floor that no queued job is earlier than, so
it skips the entries of jobs claimed before. Every job queued below a raised
floor must still be claimed in order: submitted with an old run_at, rescued
from an expired lease, queued while a raise runs, or under REPEATABLE READ."""

from __future__ import annotations

from datetime import datetime, timedelta

from factories import call, make_job
from races import start_blocked


def claim(conn, queue="q", max_jobs=1, worker="w1"):
    return [r["id"] for r in call(conn, "claim_jobs", queues=[queue], worker=worker,
                                  max_jobs=max_jobs)]


def floor(conn, queue="q", priority=2):
    row = conn.execute("SELECT run_at FROM jobs.claim_floor WHERE queue = %s AND priority = %s",
                       (queue, priority)).fetchone()
    return row[0] if row else None


def raisable(conn, queue="q"):
    """Let the next claim raise the queue's floors (at most once a second)."""
    conn.execute("UPDATE jobs.claim_floor SET raised_at = '-infinity' WHERE queue = %s", (queue,))


def an_hour_ago(conn) -> datetime:
    return conn.execute("SELECT now() - interval '1 hour'").fetchone()[0]


def raised_past_an_hour_ago(db):
    """Jobs claimed and a floor raised past the last hour: the next claim
    reads priority 2 of queue q from about now."""
    for _ in range(3):
        make_job(db, queue="q")
    assert len(claim(db, max_jobs=3)) == 3
    raisable(db)
    assert claim(db) == []
    assert floor(db) > an_hour_ago(db) + timedelta(minutes=59)


def test_a_claim_raises_the_floor_to_the_first_queued_job(db):
    first = make_job(db, queue="q")
    second = make_job(db, queue="q")
    assert claim(db) == [first["id"]]  # the first claim raises, to the first job queued
    assert floor(db) == first["run_at"]
    raisable(db)
    assert claim(db) == [second["id"]]
    assert floor(db) == second["run_at"]
    raisable(db)
    assert claim(db) == []
    assert floor(db) > second["run_at"]  # none queued: now


def test_a_job_submitted_below_the_floor_is_claimed_first(db):
    raised_past_an_hour_ago(db)
    later = make_job(db, queue="q")
    old = make_job(db, queue="q", run_at=an_hour_ago(db))
    assert claim(db, max_jobs=2) == [old["id"], later["id"]]


def test_an_urgent_job_below_the_floor_still_goes_first(db):
    raised_past_an_hour_ago(db)
    normal = make_job(db, queue="q")
    urgent = make_job(db, queue="q", priority=4, run_at=an_hour_ago(db))
    assert claim(db, max_jobs=2) == [urgent["id"], normal["id"]]


def test_a_rescued_lease_below_the_floor_is_claimed_again(db):
    held = make_job(db, queue="q", run_at=an_hour_ago(db))
    assert claim(db, worker="gone") == [held["id"]]
    raised_past_an_hour_ago(db)
    db.execute("UPDATE jobs.job SET lease_expires_at = now() - interval '1 s' WHERE id = %s",
               (held["id"],))
    db.execute("SELECT jobs_internal.rescue_expired_leases(NULL)")
    assert claim(db, worker="w2") == [held["id"]]


def test_a_job_queued_while_a_submit_is_in_flight_is_not_skipped(db, connect):
    """A submit in flight holds the floor lock (shared): the claim beside it
    cannot raise past its job, which it does not see yet."""
    raised_past_an_hour_ago(db)
    writer = connect()
    writer.execute("BEGIN")
    # Above the floor when it is submitted; a raise that did not wait for it
    # would go past it.
    old = make_job(writer, queue="q", run_at=floor(db) + timedelta(milliseconds=1))
    raisable(db)
    newer = make_job(db, queue="q")
    assert claim(db) == [newer["id"]]  # no raise: the writer's lock is held
    writer.execute("COMMIT")
    assert claim(db) == [old["id"]]


def test_a_submit_waits_for_a_raise_in_flight_then_records_its_job(db, connect):
    """A claim raising the floor holds the lock alone until it commits; a
    submit of a job below the new floor waits, then records it."""
    raised_past_an_hour_ago(db)
    raiser, writer = connect(), connect()
    raisable(db)
    queued = make_job(db, queue="q")
    raiser.execute("BEGIN")
    assert claim(raiser) == [queued["id"]]  # raised, lock held until commit
    writer.execute("SET lock_timeout = '10s'")
    submitted = start_blocked(db, writer, raiser,
                              lambda: make_job(writer, queue="q", run_at=an_hour_ago(db)))
    raiser.execute("COMMIT")
    old = submitted.result(timeout=20)
    assert claim(db) == [old["id"]]


def test_a_repeatable_read_submit_records_its_job_whatever_its_snapshot(db, connect):
    """Its snapshot may be older than the last raise: it cannot tell that its
    job is below the floor, so it records every job it queues."""
    first = make_job(db, queue="q")
    assert claim(db) == [first["id"]]  # the first floor: its run_at
    writer = connect()
    writer.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    writer.execute("SELECT count(*) FROM jobs.claim_floor")  # the snapshot, before the raise
    raised_past_an_hour_ago(db)
    # Above the floor its snapshot shows, below the one raised since.
    old = make_job(writer, queue="q", run_at=first["run_at"] + timedelta(milliseconds=1))
    writer.execute("COMMIT")
    assert claim(db) == [old["id"]]


def test_a_job_moved_into_the_queue_below_its_floor_is_claimed(db):
    raised_past_an_hour_ago(db)
    moved = make_job(db, queue="elsewhere", run_at=an_hour_ago(db))
    db.execute("UPDATE api.jobs SET queue = 'q' WHERE id = %s", (moved["id"],))
    assert claim(db) == [moved["id"]]


def test_under_a_held_snapshot_a_claim_skips_the_jobs_claimed_before(db, connect):
    """Nothing claimed can be vacuumed away while the snapshot lives; the
    claim reads from the floor, not every entry claimed since."""
    holder = connect()
    holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    holder.execute("SELECT count(*) FROM jobs.job")
    db.execute("INSERT INTO api.jobs (queue, name) SELECT 'q', 'n' FROM generate_series(1, 300)")
    for _ in range(3):
        ids = claim(db, max_jobs=100)
        call(db, "complete_jobs", results=[{"job_id": i} for i in ids], worker="w1")
    raisable(db)
    raising = make_job(db, queue="q")
    assert claim(db) == [raising["id"]]  # walks them once, to raise the floor
    last = make_job(db, queue="q")
    before = claim_index_reads(db)
    assert claim(db) == [last["id"]]
    assert claim_index_reads(db) - before < 50
    holder.execute("ROLLBACK")


def claim_index_reads(db) -> int:
    db.execute("SELECT pg_stat_force_next_flush()")
    return db.execute("SELECT idx_tup_read FROM pg_stat_user_indexes"
                      " WHERE indexrelid = 'jobs.job_claim_idx'::regclass").fetchone()[0]


def test_a_claim_of_several_queues_reads_each_from_its_floor(db):
    """A job below the floor of one queue goes first among several; after a
    raise, the claimed jobs of both are skipped."""
    raised_past_an_hour_ago(db)
    for _ in range(3):
        make_job(db, queue="r")
    assert len(call(db, "claim_jobs", queues=["q", "r"], worker="w1", max_jobs=3)) == 3
    raisable(db)
    raisable(db, "r")
    later = make_job(db, queue="r")
    old = make_job(db, queue="q", run_at=an_hour_ago(db))
    got = call(db, "claim_jobs", queues=["q", "r"], worker="w1", max_jobs=3)
    assert [j["id"] for j in got] == [old["id"], later["id"]]
    got = call(db, "claim_jobs", queues=None, worker="w1", max_jobs=3)
    assert got == []
    assert floor(db, "r") > an_hour_ago(db) + timedelta(minutes=59)


def test_a_claim_of_a_queue_no_job_created_yet_answers_nothing(db):
    assert claim(db, queue="never-used") == []
    assert floor(db, "never-used") is None


def test_a_deleted_queue_takes_its_floors_along(db):
    job_id = make_job(db, queue="gone-q")["id"]
    claim(db, queue="gone-q")
    assert floor(db, "gone-q") is not None
    call(db, "complete_jobs", results=[{"job_id": job_id}], worker="w1")
    db.execute("DELETE FROM jobs.job WHERE queue = 'gone-q'")
    db.execute("DELETE FROM jobs.queue WHERE name = 'gone-q'")
    assert floor(db, "gone-q") is None
