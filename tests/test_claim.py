"""claim_jobs at the SQL level: order, queues, scheduling, bounds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from factories import call, events, job, make_job
from races import sleeping, start_waiting


def claim(db, **kw):
    kw.setdefault("worker", "w1")
    return call(db, "claim_jobs", **kw)


def test_highest_priority_first_then_oldest(db):
    low = make_job(db, priority=1)["id"]
    old_normal = make_job(db, priority=2)["id"]
    urgent = make_job(db, priority=4)["id"]
    new_normal = make_job(db, priority=2)["id"]
    got = [j["id"] for j in claim(db, queues=["default"], max_jobs=10)]
    assert got == [urgent, old_normal, new_normal, low]


def test_claim_marks_running_for_the_worker_with_a_lease(db):
    job_id = make_job(db)["id"]
    [row] = claim(db, queues=["default"], worker="w7", lease_seconds=60)
    assert row["id"] == job_id
    assert row["status"] == "running" and row["worker"] == "w7" and row["attempts"] == 1
    lease = db.execute("SELECT lease_expires_at - now() FROM jobs.job WHERE id = %s",
                       (job_id,)).fetchone()[0]
    assert 59 <= lease.total_seconds() <= 60
    assert events(db, job_id) == [(None, "queued"), ("queued", "running")]


def test_max_jobs_bounds_the_batch(db):
    for _ in range(5):
        make_job(db)
    assert len(claim(db, queues=["default"], max_jobs=3)) == 3
    assert len(claim(db, queues=["default"], max_jobs=3)) == 2
    assert claim(db, queues=["default"], max_jobs=3) == []


@pytest.mark.parametrize("args", [{"max_jobs": 0}, {"max_jobs": 1001}, {"max_jobs": None},
                                  {"lease_seconds": 0}, {"lease_seconds": None}])
def test_out_of_range_arguments_are_refused(db, args):
    make_job(db)
    with pytest.raises(psycopg.Error) as info:
        claim(db, queues=["default"], **args)
    assert info.value.sqlstate == "22023"
    assert db.execute("SELECT status::text FROM jobs.job").fetchone() == ("queued",)


def test_only_the_named_queues_are_claimed(db):
    a = make_job(db, queue="a")["id"]
    b = make_job(db, queue="b")["id"]
    c = make_job(db, queue="c", priority=4)["id"]
    got = {j["id"] for j in claim(db, queues=["a", "b"], max_jobs=10)}
    assert got == {a, b}
    assert job(db, c)["status"] == "queued"


def test_several_queues_still_claim_by_priority(db):
    make_job(db, queue="a", priority=1)
    urgent = make_job(db, queue="b", priority=4)["id"]
    [row] = claim(db, queues=["a", "b"], max_jobs=1)
    assert row["id"] == urgent


MANY = [f"q{i:02}" for i in range(20)]  # more than merged_queues_limit()


@pytest.mark.parametrize("queues", [["a", "b", "c"], None, MANY],
                         ids=["three", "every", "more-than-merged"])
def test_several_queues_are_claimed_in_one_order_across_them(db, queues):
    """Priority first, then run_at, then id, as if the queues were one,
    however the claims cut the batch: walked queue by queue, or (past
    merged_queues_limit) as one walk. Due scheduled jobs take their turn."""
    names = MANY if queues == MANY else ["a", "b", "c"]
    now = datetime.now(timezone.utc)
    made = [make_job(db, queue=names[n % len(names)], priority=p,
                     run_at=now - timedelta(seconds=s))
            for n, (p, s) in enumerate([(2, 5), (2, 9), (4, 1), (1, 30), (2, 7),
                                        (2, 9), (4, 3), (1, 2), (3, 1)])]
    for name in names[len(made):]:  # every queue of MANY exists, with nothing due
        make_job(db, queue=name, run_at=now + timedelta(hours=1))
    # Scheduled, and come due since (maintenance has not queued it).
    due = make_job(db, queue=names[-1], priority=4, run_at=now + timedelta(hours=1))
    db.execute("UPDATE jobs.job SET run_at = %s WHERE id = %s",
               (now - timedelta(seconds=3), due["id"]))
    made.append(job(db, due["id"]))
    assert made[-1]["status"] == "scheduled"
    expected = [j["id"] for j in sorted(made, key=lambda j: (-j["priority"], j["run_at"], j["id"]))]
    got: list[int] = []
    while batch := claim(db, queues=queues, max_jobs=3):
        got += [j["id"] for j in batch]
    assert got == expected


def test_null_queues_claims_from_every_queue(db):
    ids = {make_job(db, queue=q)["id"] for q in ("a", "b", "c")}
    assert {j["id"] for j in claim(db, queues=None, max_jobs=10)} == ids


def test_paused_queue_hands_out_nothing(db):
    job_id = make_job(db, queue="p")["id"]
    db.execute("UPDATE api.queues SET paused = true WHERE name = 'p'")
    assert claim(db, queues=["p"]) == []
    assert claim(db, queues=None) == []
    db.execute("UPDATE api.queues SET paused = false WHERE name = 'p'")
    assert [j["id"] for j in claim(db, queues=["p"])] == [job_id]


def test_submitting_creates_the_queue(db):
    make_job(db, queue="fresh")
    assert db.execute("SELECT paused FROM api.queues WHERE name = 'fresh'").fetchone() == (False,)


def test_scheduled_job_waits_until_due_then_is_claimed(db):
    job_id = make_job(db, run_at="2999-01-01T00:00:00Z")["id"]
    assert claim(db, queues=["default"]) == []
    assert job(db, job_id)["status"] == "scheduled"
    # Time passes: the job is due now. Nothing queued it; the claim takes it
    # straight from scheduled.
    db.execute("UPDATE jobs.job SET run_at = now() - interval '1 s' WHERE id = %s", (job_id,))
    [row] = claim(db, queues=["default"])
    assert row["id"] == job_id
    assert events(db, job_id) == [(None, "scheduled"), ("scheduled", "running")]


def test_a_due_urgent_scheduled_job_goes_before_older_queued_ones(db):
    make_job(db, priority=2)
    later = make_job(db, priority=4, run_at="2999-01-01T00:00:00Z")["id"]
    db.execute("UPDATE jobs.job SET run_at = now() - interval '1 s' WHERE id = %s", (later,))
    [row] = claim(db, queues=["default"])
    assert row["id"] == later


def test_empty_worker_name_falls_back_to_the_caller(db):
    make_job(db)
    [row] = call(db, "claim_jobs", queues=["default"], worker="")
    assert row["worker"] == "postgres"


# --- long polls (wait_seconds): for workers that cannot LISTEN


def long_poll(db, conn, seconds: float = 20):
    """conn's claim with wait_seconds, under way and waiting in the database."""
    return start_waiting(db, lambda: [r["id"] for r in claim(conn, wait_seconds=seconds)],
                         lambda: sleeping(db, conn), "the claim waiting in its long poll")


def test_a_long_poll_hands_out_a_job_submitted_while_it_waits(db, connect):
    waiting = connect()
    claimed = long_poll(db, waiting)
    assert not claimed.done()
    job_id = make_job(db)["id"]
    assert claimed.result(timeout=20) == [job_id]
    assert job(db, job_id)["status"] == "running"


def test_only_so_many_claims_wait_at_once(db, connect):
    """jobsapi.max_waiting_claims bounds the waiting claims (each holds a
    PostgREST connection); another answers at once, with what is due."""
    first, second = connect(), connect()
    for conn in (first, second):
        conn.execute("SET jobsapi.max_waiting_claims = 1")
    claimed = long_poll(db, first)
    assert claim(second, wait_seconds=20, worker="w2") == []
    assert not claimed.done()  # the second did not wait the 20 s beside it
    job_id = make_job(db)["id"]
    assert claimed.result(timeout=20) == [job_id]


def test_a_heartbeat_of_the_same_worker_does_not_wait_for_its_long_poll(db, connect):
    held = make_job(db)["id"]
    claim(db, worker="w1")
    claimed = long_poll(db, connect())
    [beat] = call(connect(), "heartbeat_jobs", beats=[{"job_id": held}], worker="w1")
    assert (beat["job_id"], not claimed.done()) == (held, True)
    make_job(db)
    assert len(claimed.result(timeout=20)) == 1


def test_a_waiting_long_poll_holds_no_lock_on_the_jobs_table(db, connect):
    """A deploy (or an ALTER TABLE) takes jobs.job exclusively at once beside
    an idle worker's long poll, and the poll still hands out what comes."""
    waiting = connect()
    claimed = long_poll(db, waiting)
    held = db.execute("SELECT l.mode FROM pg_locks AS l WHERE l.pid = %s"
                      " AND l.relation IN ('jobs.job'::regclass, 'api.jobs'::regclass)",
                      (waiting.info.backend_pid,)).fetchall()
    assert held == []
    with db.transaction():
        db.execute("LOCK TABLE jobs.job IN ACCESS EXCLUSIVE MODE NOWAIT")
        job_id = make_job(db)["id"]
    assert claimed.result(timeout=20) == [job_id]


def test_a_long_poll_longer_than_30_seconds_is_refused(db):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="wait_seconds must be"):
        claim(db, wait_seconds=31)
