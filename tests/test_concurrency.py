"""Concurrent claimers: no job handed out twice, none lost."""

from __future__ import annotations

import threading
from collections import Counter

import psycopg

from factories import call, make_job

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


def test_cancel_and_complete_racing_end_in_one_legal_state(db, connect):
    for _ in range(20):
        job_id = make_job(db)["id"]
        call(db, "claim_jobs", queues=["default"], worker="w")
        c1, c2 = connect(), connect()
        results: dict[str, object] = {}

        def run(name: str, conn: psycopg.Connection, fn: str, results: dict[str, object] = results,
                **kw: object) -> None:
            try:
                results[name] = call(conn, fn, **kw)[0]["status"]
            except psycopg.Error as exc:
                results[name] = exc.sqlstate

        t1 = threading.Thread(target=run, args=("cancel", c1, "cancel_job"), kwargs={"job_id": job_id})
        t2 = threading.Thread(target=run, args=("complete", c2, "complete_job"),
                              kwargs={"job_id": job_id, "worker": "w"})
        t1.start(), t2.start()
        t1.join(), t2.join()
        final = db.execute("SELECT status::text FROM jobs.job WHERE id = %s", (job_id,)).fetchone()[0]
        assert final in ("completed", "cancelled")
        if final == "completed":
            assert results["cancel"] == "PT409"
        c1.close(), c2.close()
