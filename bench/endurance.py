"""Claims when the table is old: beside 1,000,000 finished jobs, and under a
snapshot held open (an analyst's long query, a pg_dump).

- Finished jobs: 8 SQL workers (claim 100, complete 100) drain QUEUED
  queued jobs, first beside the few finished jobs of that run, then again
  after 1,000,000 finished jobs were loaded into another queue (straight
  into the table, triggers off, then ANALYZE). The figure is the second
  rate as a ratio to the first.
- Soak: 4 SQL workers each loop enqueue 100, claim 100, complete 100 for
  SOAK_SECONDS, while one more connection holds a REPEATABLE READ snapshot
  open the whole time, so that no dead row can be vacuumed away. The
  figure is the rate of the last window as a ratio to the first. It runs
  twice: the workers claiming their queue by name, then claiming from every
  queue (queues null), which merges the queues' walks.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import psycopg

from .claim import run_workers
from .prefill import prefill, reset
from .report import table
from .settings import QUEUE
from .stack import BenchStack
from .threads import run_together

QUEUED = 50_000
FINISHED = 1_000_000
SOAK_SECONDS = 120
WINDOW_SECONDS = 20
SOAK_WORKERS = 4
SOAK_BATCH = 100


@dataclass(frozen=True)
class Endurance:
    fresh_rate: float
    finished_rate: float
    windows: list[float]  # jobs/s per window of the soak
    every_queue_windows: list[float]  # the same, claiming from every queue


def load_finished(dsn: str, count: int) -> None:
    """count completed jobs in queue 'history', written straight into the table."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # no triggers: a bulk load
        conn.execute(
            "INSERT INTO jobs.job (queue, name, status, attempts, started_at, ended_at, run_at)"
            " SELECT 'history', 'old-' || (i %% 50), 'completed', 1,"
            " now() - interval '2 days', now() - interval '2 days', now() - interval '2 days'"
            " FROM generate_series(1, %s) AS i", (count,))
        conn.execute("RESET session_replication_role")
        conn.execute("ANALYZE jobs.job")


def drain_rate(stack: BenchStack) -> float:
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO api.jobs (queue, name) SELECT %s, 'noop'"
                     " FROM generate_series(1, %s)", (QUEUE, QUEUED))
        conn.execute("ANALYZE jobs.job")
    run = run_workers(stack, "SQL", 8, 100)
    return run.jobs / run.elapsed_s


def soak(stack: BenchStack, queues: list[str] | None) -> list[float]:
    """Jobs completed per second in each window of the soak, claiming queues."""
    reset(stack.dsn)
    done = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def loop(index: int, start: threading.Barrier) -> int:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            start.wait()
            while not stop.is_set():
                conn.execute("INSERT INTO api.jobs (queue, name) SELECT %s, 'noop'"
                             " FROM generate_series(1, %s)", (QUEUE, SOAK_BATCH))
                ids = [r[0] for r in conn.execute(
                    "SELECT id FROM api.claim_jobs(%s::text[], %s, %s, 60)",
                    (queues, f"soak{index}", SOAK_BATCH)).fetchall()]
                if ids:
                    conn.execute("SELECT count(*) FROM api.complete_jobs(%s::jsonb, %s)",
                                 (psycopg.types.json.Jsonb([{"job_id": i} for i in ids]),
                                  f"soak{index}"))
                with lock:
                    done[0] += len(ids)
        return 0

    windows: list[float] = []
    with psycopg.connect(stack.dsn) as holder:
        holder.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        holder.execute("SELECT count(*) FROM jobs.job")  # the snapshot is taken here
        runner = threading.Thread(target=run_together, args=(SOAK_WORKERS, loop), daemon=True)
        runner.start()
        for _ in range(SOAK_SECONDS // WINDOW_SECONDS):
            before, began = done[0], time.perf_counter()
            time.sleep(WINDOW_SECONDS)
            windows.append((done[0] - before) / (time.perf_counter() - began))
        stop.set()
        runner.join(60)
        holder.rollback()
    return windows


def measure_endurance(stack: BenchStack) -> Endurance:
    prefill(stack.dsn, 0)
    fresh = drain_rate(stack)
    load_finished(stack.dsn, FINISHED)
    finished = drain_rate(stack)
    return Endurance(fresh, finished, soak(stack, [QUEUE]), soak(stack, None))


def endurance_table(result: Endurance) -> str:
    rows = [[f"claim {QUEUED:,} jobs beside {FINISHED:,} finished ones, 8 SQL workers",
             f"{result.finished_rate:,.0f} jobs/s",
             f"{result.finished_rate / result.fresh_rate:.2f} (fresh: {result.fresh_rate:,.0f})"]]
    for claimed, windows in [("its queue", result.windows),
                             ("every queue", result.every_queue_windows)]:
        rows += [[f"soak under a held snapshot, claiming {claimed}, window {n + 1}"
                  f" ({WINDOW_SECONDS} s)", f"{rate:,.0f} jobs/s", f"{rate / windows[0]:.2f}"]
                 for n, rate in enumerate(windows)]
    return table(["run", "value", "ratio to the first"], rows, {1, 2})
