"""Prune at scale: api.prune_jobs on the 1,000,000-job table, alone and while workers claim.

The history queues keep KEEP_COMPLETED completed jobs, so most of their
completed jobs are beyond retention. Three runs, one after the other:
prune_jobs(PRUNE_BATCH) called in a loop for ALONE_SECONDS with nothing
else running; WORKERS threads claiming and completing jobs of the claim
queue (batch BATCH) for BASELINE_SECONDS; the same workers while one more
connection calls prune_jobs in a loop for PRUNE_SECONDS. The figures: jobs
deleted per second, alone and beside the workers, and the claim→complete
rate while pruning against the rate just before.

The checks: pruning never deletes an unfinished job (unfinished jobs
before, less the jobs the workers completed, must be what is left), the
ledger still matches the table, and no event of a deleted job is left.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from .claim import SqlWorker
from .scale import HISTORY_QUEUES, ledger_mismatches
from .stack import BenchStack
from .threads import run_together

WORKERS = 4
BATCH = 10
ALONE_SECONDS = 5
BASELINE_SECONDS = 5
PRUNE_SECONDS = 15
PRUNE_BATCH = 10_000
KEEP_COMPLETED = 50_000
DEFAULT_KEEP_COMPLETED = 1000

UNFINISHED = """
SELECT count(*) FROM jobs.job WHERE status NOT IN ('completed', 'failed', 'cancelled')
"""
COMPLETED_LEFT = """
SELECT min(n) FROM (
    SELECT count(*) AS n FROM jobs.job
    WHERE queue = ANY(%s) AND status = 'completed' GROUP BY queue
) AS c
"""
ORPHAN_EVENTS = """
SELECT count(*) FROM jobs.job_event AS e
WHERE NOT EXISTS (SELECT FROM jobs.job AS j WHERE j.id = e.job_id)
"""
BEYOND_RETENTION = """
SELECT coalesce(sum(greatest(c.n - q.keep_completed, 0)), 0)::bigint
FROM jobs.queue AS q
JOIN (SELECT queue, count(*) AS n FROM jobs.job WHERE status = 'completed' GROUP BY queue) AS c
    ON c.queue = q.name
"""


@dataclass(frozen=True)
class WorkerRun:
    jobs: int
    elapsed_s: float
    ran_dry: bool  # a claim came back empty: the claim queue was used up

    @property
    def rate(self) -> float:
        return self.jobs / self.elapsed_s


@dataclass
class PruneRun:
    deleted: int = 0
    calls: int = 0
    seconds: float = 0.0
    call_ms: list[float] = field(default_factory=list)
    done: bool = False  # a call answered no rows: nothing left to prune

    @property
    def rate(self) -> float:
        return self.deleted / self.seconds if self.seconds else 0.0

    @property
    def median_call_ms(self) -> float:
        calls = sorted(self.call_ms)
        return calls[len(calls) // 2] if calls else 0.0


@dataclass(frozen=True)
class PruneResult:
    beyond_retention: int  # completed jobs past keep_completed when pruning began
    alone: PruneRun
    pruned: PruneRun  # beside the workers
    baseline: WorkerRun
    during: WorkerRun
    unfinished_before: int
    unfinished_after: int
    completed_left_min: int  # fewest completed jobs left in a history queue
    mismatches: list[str]  # ledger against jobs.job after pruning
    orphan_events: int  # events left of deleted jobs: their cleanup missed them
    workers: int = WORKERS
    batch: int = BATCH
    prune_batch: int = PRUNE_BATCH
    keep_completed: int = KEEP_COMPLETED

    @property
    def unfinished_expected(self) -> int:
        return self.unfinished_before - self.baseline.jobs - self.during.jobs

    @property
    def unfinished_ok(self) -> bool:
        return self.unfinished_after == self.unfinished_expected


def _prune_for(dsn: str, seconds: float, start: threading.Barrier | None = None) -> PruneRun:
    """Call prune_jobs until `seconds` have passed or nothing is left to prune."""
    run = PruneRun()
    with psycopg.connect(dsn, autocommit=True) as conn:
        if start is not None:
            start.wait()
        began = time.perf_counter()
        while time.perf_counter() - began < seconds:
            call = time.perf_counter()
            rows = conn.execute("SELECT * FROM api.prune_jobs(%s)", (PRUNE_BATCH,)).fetchall()
            run.call_ms.append(1000 * (time.perf_counter() - call))
            run.calls += 1
            run.deleted += sum(deleted for _, _, deleted in rows)
            if not rows:
                run.done = True
                break
        run.seconds = time.perf_counter() - began
    return run


def _for_seconds(seconds: float) -> Callable[[], bool]:
    """True until `seconds` after its first call (right after the common start)."""
    end: float | None = None

    def going() -> bool:
        nonlocal end
        if end is None:
            end = time.perf_counter() + seconds
        return time.perf_counter() < end

    return going


def _work(dsn: str, index: int, start: threading.Barrier,
          going: Callable[[], bool]) -> tuple[int, bool]:
    """Claim and complete while `going()`; jobs done, and whether a claim came back empty."""
    worker = SqlWorker(dsn, f"p{index}", BATCH)
    jobs, dry = 0, False
    try:
        start.wait()
        while going():
            ids = worker.claim()
            if not ids:
                dry = True
                break
            worker.complete(ids)
            jobs += len(ids)
    finally:
        worker.close()
    return jobs, dry


def _workers_alone(dsn: str) -> WorkerRun:
    def client(index: int, start: threading.Barrier) -> tuple[int, bool]:
        return _work(dsn, index, start, _for_seconds(BASELINE_SECONDS))

    results, elapsed = run_together(WORKERS, client)
    return WorkerRun(sum(j for j, _ in results), elapsed, any(d for _, d in results))


def _workers_with_pruning(dsn: str) -> tuple[WorkerRun, PruneRun]:
    """The workers run as long as the pruner, which is the last client."""
    working = threading.Event()
    working.set()
    pruned: list[PruneRun] = []

    def client(index: int, start: threading.Barrier) -> tuple[int, bool]:
        if index < WORKERS:
            return _work(dsn, index, start, working.is_set)
        try:
            pruned.append(_prune_for(dsn, PRUNE_SECONDS, start))
        finally:
            working.clear()
        return 0, False

    results, elapsed = run_together(WORKERS + 1, client)
    return WorkerRun(sum(j for j, _ in results), elapsed, any(d for _, d in results)), pruned[0]


def _one(conn: psycopg.Connection, query: str, *args: object) -> int:
    row = conn.execute(query, args or None).fetchone()
    assert row is not None
    return int(row[0])


def measure_prune(stack: BenchStack) -> PruneResult:
    """Needs the larger table of scale.py in place; leaves keep_completed as it found it."""
    queues = list(HISTORY_QUEUES)
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute("UPDATE api.queues SET keep_completed = %s WHERE name = ANY(%s)",
                     (KEEP_COMPLETED, queues))
        conn.execute("VACUUM ANALYZE jobs.job, jobs.job_event, jobs.queue_count")
        conn.execute("CHECKPOINT")
        beyond = _one(conn, BEYOND_RETENTION)
        unfinished_before = _one(conn, UNFINISHED)
    try:
        alone = _prune_for(stack.dsn, ALONE_SECONDS)
        baseline = _workers_alone(stack.dsn)
        during, pruned = _workers_with_pruning(stack.dsn)
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            unfinished_after = _one(conn, UNFINISHED)
            completed_left = _one(conn, COMPLETED_LEFT, queues)
            orphans = _one(conn, ORPHAN_EVENTS)
    finally:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            conn.execute("UPDATE api.queues SET keep_completed = %s WHERE name = ANY(%s)",
                         (DEFAULT_KEEP_COMPLETED, queues))
    return PruneResult(beyond, alone, pruned, baseline, during, unfinished_before,
                       unfinished_after, completed_left, ledger_mismatches(stack.dsn), orphans)
