"""Concurrent claimers: no job handed out twice, none lost."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from factories import call, make_job
from races import outcome, start_blocked

JOBS = 5000
WORKERS = 8


def test_eight_claimers_drain_5000_jobs_each_exactly_once(db, connect):
    db.execute("INSERT INTO api.jobs (queue, name) SELECT 'drain', 'job ' || i"
               " FROM generate_series(1, %s) AS i", (JOBS,))
    claimed: list[list[int]] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []
    conns = [connect() for _ in range(WORKERS)]
    start = threading.Barrier(WORKERS)

    def work(n: int) -> None:
        conn = conns[n]
        conn.execute("SET lock_timeout = '5s'")
        try:
            start.wait()
            while True:
                rows = conn.execute(
                    "SELECT id FROM api.claim_jobs(queues => ARRAY['drain'], worker => %s,"
                    " max_jobs => %s)", (f"w{n}", 1 + n % 4)).fetchall()
                if not rows:
                    return
                ids = [r[0] for r in rows]
                claimed[n].extend(ids)
                conn.execute(
                    "SELECT count(*) FROM api.complete_jobs(worker => %s, results =>"
                    " (SELECT jsonb_agg(jsonb_build_object('job_id', i)) FROM unnest(%s::bigint[]) i))",
                    (f"w{n}", ids))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    counts = Counter(i for ids in claimed for i in ids)
    assert len(counts) == JOBS
    assert max(counts.values()) == 1
    assert sum(1 for ids in claimed if ids) > 1, "the work was not shared"
    status = dict(db.execute("SELECT status::text, count(*) FROM jobs.job GROUP BY 1").fetchall())
    assert status == {"completed": JOBS}
    # The database's own record agrees: one claim per job.
    assert db.execute("SELECT count(*), count(DISTINCT job_id) FROM jobs.job_event"
                      " WHERE to_status = 'running'").fetchone() == (JOBS, JOBS)


def test_a_locked_job_is_skipped_not_waited_for(db, connect):
    first = make_job(db, priority=4)["id"]
    second = make_job(db)["id"]
    c1, c2 = connect(), connect()
    c2.execute("SET lock_timeout = '2s'")
    with c1.transaction():
        [row1] = call(c1, "claim_jobs", queues=["default"], worker="c1")
        # c1 has not committed: c2 must get the next job at once.
        [row2] = call(c2, "claim_jobs", queues=["default"], worker="c2")
    assert (row1["id"], row2["id"]) == (first, second)


def test_a_claim_rolled_back_is_claimable_again(db, connect):
    job_id = make_job(db)["id"]
    c1 = connect()
    try:
        with c1.transaction():
            call(c1, "claim_jobs", queues=["default"], worker="c1")
            raise RuntimeError("worker crashed before commit")
    except RuntimeError:
        pass
    [row] = call(db, "claim_jobs", queues=["default"], worker="c2")
    assert row["id"] == job_id and row["attempts"] == 1


@pytest.mark.parametrize("first", ["cancel", "complete"])
def test_cancel_and_complete_racing_end_in_one_legal_state(db, connect, first):
    """Both orders, each scripted: the second waits for the first's row lock."""
    job_id = make_job(db)["id"]
    call(db, "claim_jobs", queues=["default"], worker="w")
    conns = {"cancel": connect(), "complete": connect()}
    steps = {"cancel": lambda: call(conns["cancel"], "cancel_job", job_id=job_id)[0]["status"],
             "complete": lambda: call(conns["complete"], "complete_job", job_id=job_id,
                                      worker="w")[0]["status"]}
    second = "complete" if first == "cancel" else "cancel"
    with conns[first].transaction():
        done_first = steps[first]()
        waiting = start_blocked(db, conns[second], conns[first], steps[second])
    done_second = outcome(waiting)
    final = db.execute("SELECT status::text FROM jobs.job WHERE id = %s", (job_id,)).fetchone()[0]
    if first == "cancel":
        # Cancelled while running: cancelling; the worker's report then ends it.
        assert (done_first, done_second, final) == ("cancelling", "cancelled", "cancelled")
    else:
        assert (done_first, done_second, final) == ("completed", "PT409", "completed")
