"""Housekeeping out of the claim path, and due jobs started on time.

Claim cost: claim→complete over SQL with a worker's role and token, as in
bench/claim.py, once with claim_jobs as it is (no housekeeping: maintenance
rescues leases and queues due jobs) and once through a wrapper that first
does what every claim used to do (promote_due_jobs, then
reap_expired_leases), each as a ratio to pgbench one-insert transactions
with the same number of clients; with nothing else in the table, and with
as many jobs scheduled for tomorrow in another queue.

Due-job start: a jobsapi.Worker on the direct connection, polling once a
minute, while jobs come due one after another: scheduled jobs (run_at a
moment ahead), retries after their backoff, follow-ups released by their
predecessor, jobs freed when the lock they need is released. The figure is
started_at minus the moment the job became due, both read from the
database's clock, p50 and p95 in ms; the floor is the insert + NOTIFY seen
by a listener of bench/worker.py, measured in the same run.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import psycopg

from jobsapi.worker import JobRun, Worker

from . import BenchError
from .ceilings import Ceilings
from .claim import ClaimRun, SqlWorker, run_workers
from .prefill import prefill, reset
from .report import table
from .settings import CLIENTS
from .stack import BenchStack
from .worker import Latency, notify_floor

# What claim_jobs did before maintenance took it over, in front of the claim.
WITH_HOUSEKEEPING = """
CREATE OR REPLACE FUNCTION bench.claim_with_housekeeping(
    queues text[], worker text, max_jobs integer
)
RETURNS SETOF api.jobs
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM jobs_internal.promote_due_jobs();
    PERFORM api.reap_expired_leases();
    RETURN QUERY SELECT * FROM api.claim_jobs(queues, worker, max_jobs);
END;
$$;
GRANT USAGE ON SCHEMA bench TO jobs_worker;
GRANT EXECUTE ON FUNCTION bench.claim_with_housekeeping(text[], text, integer) TO jobs_worker;
"""

PREFILL = 30_000
SAMPLES = 40  # of each kind of due job
QUEUE = "due"


class HousekeepingWorker(SqlWorker):
    """A worker whose every claim first promotes and reaps, as claims used to."""

    function = "bench.claim_with_housekeeping"


@dataclass(frozen=True)
class ClaimCost:
    without: ClaimRun
    with_housekeeping: ClaimRun
    ceiling: float
    ceiling_name: str
    scheduled_elsewhere: int


def _prefill(stack: BenchStack, scheduled_elsewhere: int) -> None:
    """The bench queue full, and jobs due tomorrow in another queue."""
    prefill(stack.dsn, PREFILL)
    if scheduled_elsewhere:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            conn.execute("INSERT INTO api.jobs (queue, name, run_at) SELECT 'tomorrow', 'noop',"
                         " now() + interval '1 day' FROM generate_series(1, %s)",
                         (scheduled_elsewhere,))
            conn.execute("VACUUM ANALYZE jobs.job")


def claim_cost(stack: BenchStack, ceilings: Ceilings) -> list[ClaimCost]:
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute(WITH_HOUSEKEEPING)
    costs = []
    for scheduled_elsewhere in (0, PREFILL):
        for workers, ceiling in ((1, ceilings.pgbench_insert_serial),
                                 (CLIENTS, ceilings.pgbench_insert)):
            _prefill(stack, scheduled_elsewhere)
            without = run_workers(stack, "SQL", workers, 1)
            _prefill(stack, scheduled_elsewhere)
            before = run_workers(stack, "SQL", workers, 1, worker_class=HousekeepingWorker)
            costs.append(ClaimCost(without, before, ceiling.value, ceiling.name,
                                   scheduled_elsewhere))
    return costs


def claim_cost_table(costs: list[ClaimCost]) -> str:
    rows = []
    for cost in costs:
        for label, run in (("claim_jobs now (no housekeeping)", cost.without),
                           ("with the per-claim housekeeping of before", cost.with_housekeeping)):
            where = (f", {cost.scheduled_elsewhere:,} jobs due tomorrow elsewhere"
                     if cost.scheduled_elsewhere else "")
            rows.append([f"{label}, {run.workers} worker{'s' if run.workers > 1 else ''}{where}",
                         f"{run.rate:,.0f} jobs/s", f"{cost.ceiling_name} ({cost.ceiling:,.0f})",
                         f"{run.rate / cost.ceiling:.2f}",
                         f"{run.claim_s / run.claims * 1000:.3f}"])
    return table(["claim→complete, SQL, batch 1", "value", "ceiling", "ratio",
                  "ms per claim"], rows, {1, 3, 4})


def _due_latencies(stack: BenchStack) -> list[Latency]:
    """Lateness of each kind of due job under a LISTENing, slow-polling worker."""
    reset(stack.dsn)
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO api.queues (name, backoff_seconds) VALUES (%s, 1)", (QUEUE,))

    def handler(run: JobRun) -> None:
        if run.name == "flaky" and run.attempts == 1:
            raise RuntimeError("the first attempt fails")

    # The first attempts of the retries fail on purpose: not worth a line each.
    logging.getLogger("jobsapi.worker").setLevel(logging.ERROR)
    worker = Worker(stack.dsn, [QUEUE], handler, concurrency=4, poll_interval=60,
                    maintenance_interval=0)
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False},
                              daemon=True)
    thread.start()
    late: dict[str, list[float]] = {"scheduled job": [], "retry after its backoff": [],
                                    "follow-up of a completed job": [],
                                    "job freed by a released lock": []}
    try:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            time.sleep(0.5)  # listening and idle
            for _ in range(SAMPLES):
                late["scheduled job"].append(_scheduled(conn))
                late["retry after its backoff"].append(_retry(conn))
                late["follow-up of a completed job"].append(_follow_up(conn))
                late["job freed by a released lock"].append(_lock(conn))
    finally:
        worker.stop()
        thread.join(30)
    return [Latency(name, samples) for name, samples in late.items()]


def _started(conn: psycopg.Connection, job_id: int, attempts: int = 1) -> float:
    """Seconds from the job's due time (its run_at) to its start, once it started."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        row = conn.execute("SELECT extract(EPOCH FROM started_at - run_at) FROM jobs.job"
                           " WHERE id = %s AND attempts >= %s AND started_at IS NOT NULL",
                           (job_id, attempts)).fetchone()
        if row:
            return float(row[0])
        time.sleep(0.01)
    raise BenchError(f"job {job_id} did not start within 10 s of being due")


def _finished(conn: psycopg.Connection, job_id: int) -> None:
    deadline = time.monotonic() + 10
    while not conn.execute("SELECT ended_at IS NOT NULL FROM jobs.job WHERE id = %s",
                           (job_id,)).fetchone()[0]:
        if time.monotonic() > deadline:
            raise BenchError(f"job {job_id} did not finish")
        time.sleep(0.01)


def _scheduled(conn: psycopg.Connection) -> float:
    [(job_id,)] = conn.execute("INSERT INTO api.jobs (queue, name, run_at) VALUES"
                               " (%s, 'later', now() + interval '150 ms') RETURNING id",
                               (QUEUE,)).fetchall()
    return _started(conn, job_id)


def _retry(conn: psycopg.Connection) -> float:
    [(job_id,)] = conn.execute("INSERT INTO api.jobs (queue, name) VALUES (%s, 'flaky')"
                               " RETURNING id", (QUEUE,)).fetchall()
    # The failure set run_at to the end of its 1 s backoff.
    return _started(conn, job_id, attempts=2)


def _follow_up(conn: psycopg.Connection) -> float:
    [(first,)] = conn.execute("INSERT INTO api.jobs (queue, name, run_at) VALUES"
                              " (%s, 'first', now() + interval '100 ms') RETURNING id",
                              (QUEUE,)).fetchall()
    [(after,)] = conn.execute("INSERT INTO api.jobs (queue, name, after_job_id) VALUES"
                              " (%s, 'after', %s) RETURNING id", (QUEUE, first)).fetchall()
    _finished(conn, first)
    _started(conn, after)
    return float(conn.execute("SELECT extract(EPOCH FROM a.started_at - f.ended_at)"
                              " FROM jobs.job AS a, jobs.job AS f"
                              " WHERE a.id = %s AND f.id = %s", (after, first)).fetchone()[0])


def _lock(conn: psycopg.Connection) -> float:
    conn.execute("SELECT api.acquire_lock('bench:shared')")
    [(job_id,)] = conn.execute("INSERT INTO api.jobs (queue, name, locks) VALUES"
                               " (%s, 'locked', '{bench:shared}') RETURNING id",
                               (QUEUE,)).fetchall()
    time.sleep(0.05)  # claimed at once, and skipped: the lock is held
    [(released,)] = conn.execute("DELETE FROM jobs.job_lock WHERE name = 'bench:shared'"
                                 " RETURNING clock_timestamp()").fetchall()
    _started(conn, job_id)
    return float(conn.execute("SELECT extract(EPOCH FROM started_at - %s) FROM jobs.job"
                              " WHERE id = %s", (released, job_id)).fetchone()[0])


def due_start(stack: BenchStack) -> list[Latency]:
    return [notify_floor(stack), *_due_latencies(stack)]


def due_start_table(latencies: list[Latency]) -> str:
    floor = latencies[0]
    rows = [[lat.name, f"{lat.pct(0.5) * 1000:.1f}", f"{lat.pct(0.95) * 1000:.1f}",
             f"{lat.pct(0.95) / floor.pct(0.95):.1f}"] for lat in latencies]
    return table(["due → handler starts (worker polls once a minute)", "p50 ms", "p95 ms",
                  "p95 / floor p95"], rows, {1, 2, 3})
