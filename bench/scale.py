"""Queue counts at scale: reading them with 10,000 and with 1,000,000 jobs.

api.queues sums the jobs.queue_count ledger instead of scanning jobs, so
reading it should cost the same at both sizes: the ratio of the two times
is the figure (close to 1). Counting the jobs themselves is the contrast:
what a read that scans jobs costs at each size.

The jobs are made through the real paths, so the triggers keep the ledger
and the event log as the API would: INSERT INTO api.jobs in statements of
CHUNK jobs, then set-based UPDATEs of jobs.job through the transition rules
(queued → running → completed or failed). The table holds BLOCK-job blocks
of one mix: most jobs completed, some failed, queued and running, in four
history queues, plus queued no-op jobs in the claim queue (QUEUE) that the
prune measurement's workers drain.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import psycopg

from . import BenchError
from .prefill import reset
from .settings import QUEUE
from .stack import BenchStack

SIZES = (10_000, 1_000_000)
READS = 30  # timed reads of each kind at each size, after WARMUP untimed ones
WARMUP = 5
BLOCK = 1_000
CHUNK_BLOCKS = 100  # 100,000 jobs per INSERT and per UPDATE
HISTORY_QUEUES = ("reports", "imports", "exports", "mail")
# Jobs per BLOCK in each history queue, by the status they end in.
HISTORY_MIX = {"completed": 178, "failed": 6, "queued": 3, "running": 1}
# The rest, queued in QUEUE: enough for prune.py's workers to claim for 20 s at ~12,000 jobs/s.
CLAIM_QUEUE_JOBS = BLOCK - len(HISTORY_QUEUES) * sum(HISTORY_MIX.values())
NAME = "scale-{}"  # a history job's name says the status it is taken to

INSERT = """
INSERT INTO api.jobs (queue, name)
SELECT p.queue, p.name
FROM generate_series(1, %(blocks)s) AS b,
    unnest(%(queues)s::text[], %(names)s::text[], %(counts)s::int[]) AS p (queue, name, n),
    generate_series(1, p.n) AS g
"""
TO_RUNNING = """
UPDATE jobs.job SET status = 'running'
WHERE id > %(after)s AND status = 'queued' AND name = ANY(%(names)s)
"""
TO_FINISHED = """
UPDATE jobs.job
SET
    status = CASE WHEN name = %(failed)s THEN 'failed' ELSE 'completed' END::jobs.job_status,
    error = CASE WHEN name = %(failed)s THEN 'bench: failed on purpose' END
WHERE id > %(after)s AND status = 'running' AND name = ANY(%(names)s)
"""
LEDGER_COUNTS = """
SELECT q.name, s.key, s.value::bigint
FROM api.queues AS q, jsonb_each_text(q.counts) AS s
WHERE s.key <> 'paused' AND s.value::bigint <> 0
"""
TABLE_COUNTS = "SELECT queue, status::text, count(*) FROM jobs.job GROUP BY queue, status"


def _pattern() -> tuple[list[str], list[str], list[int]]:
    """One BLOCK of jobs as parallel arrays: queue, name, how many."""
    rows = [(q, NAME.format(s), n) for q in HISTORY_QUEUES for s, n in HISTORY_MIX.items()]
    rows.append((QUEUE, "noop", CLAIM_QUEUE_JOBS))
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def grow(dsn: str, size: int) -> int:
    """Add blocks of the mix until jobs.job holds `size` jobs; returns how many it holds."""
    queues, names, counts = _pattern()
    leave = [NAME.format(s) for s in ("completed", "failed", "running")]
    finish = [NAME.format(s) for s in ("completed", "failed")]
    with psycopg.connect(dsn, autocommit=True) as conn:
        held = conn.execute("SELECT count(*) FROM jobs.job").fetchone()
        assert held is not None
        blocks = (size - held[0]) // BLOCK
        while blocks > 0:
            chunk = min(blocks, CHUNK_BLOCKS)
            last = conn.execute("SELECT coalesce(max(id), 0) FROM jobs.job").fetchone()
            assert last is not None
            conn.execute(INSERT, {"blocks": chunk, "queues": queues, "names": names,
                                  "counts": counts})
            conn.execute(TO_RUNNING, {"after": last[0], "names": leave})
            conn.execute(TO_FINISHED, {"after": last[0], "names": finish,
                                       "failed": NAME.format("failed")})
            blocks -= chunk
        conn.execute("VACUUM ANALYZE jobs.job, jobs.job_event, jobs.queue_count")
        conn.execute("CHECKPOINT")
        held = conn.execute("SELECT count(*) FROM jobs.job").fetchone()
    assert held is not None
    return int(held[0])


def ledger_mismatches(dsn: str) -> list[str]:
    """(queue, status) pairs whose count in api.queues differs from counting jobs.job."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        ledger = {(q, s): n for q, s, n in conn.execute(LEDGER_COUNTS).fetchall()}
        table = {(q, s): n for q, s, n in conn.execute(TABLE_COUNTS).fetchall()}
    return [f"{q}/{s}: api.queues {ledger.get((q, s), 0):,}, jobs.job {table.get((q, s), 0):,}"
            for q, s in sorted(ledger.keys() | table.keys())
            if ledger.get((q, s), 0) != table.get((q, s), 0)]


def _median_ms(read: Callable[[], int]) -> tuple[float, int]:
    """Median milliseconds of READS calls (after WARMUP), and what the last call answered."""
    answer = 0
    for _ in range(WARMUP):
        answer = read()
    times = []
    for _ in range(READS):
        began = time.perf_counter()
        answer = read()
        times.append(time.perf_counter() - began)
    return 1000 * statistics.median(times), answer


@dataclass(frozen=True)
class Read:
    name: str
    counts_jobs: bool  # True for the contrast: a read that scans jobs


READ_KINDS = [
    Read("GET /queues (HTTP)", False),
    Read("SELECT counts FROM api.queues (SQL)", False),
    Read("GET /jobs?limit=1, Prefer: count=exact (HTTP)", True),
    Read("SELECT count(*) FROM jobs.job (SQL)", True),
]


def _time_reads(stack: BenchStack, size: int) -> dict[str, float]:
    """Median ms of each read kind; each must see `size` jobs."""
    times: dict[str, float] = {}
    with (httpx.Client(base_url=stack.api_url, headers=stack.auth, timeout=60) as http,
          psycopg.connect(stack.dsn, autocommit=True) as conn):

        def http_queues() -> int:
            response = http.get("/queues")
            response.raise_for_status()
            return sum(sum(q["counts"].values()) for q in response.json())

        def sql_queues() -> int:
            rows = conn.execute("SELECT counts FROM api.queues").fetchall()
            return sum(sum(counts.values()) for (counts,) in rows)

        def http_count() -> int:
            response = http.get("/jobs", params={"select": "id", "limit": "1"},
                                headers={"Prefer": "count=exact"})
            response.raise_for_status()
            return int(response.headers["Content-Range"].split("/")[1])

        def sql_count() -> int:
            row = conn.execute("SELECT count(*) FROM jobs.job").fetchone()
            assert row is not None
            return int(row[0])

        for kind, read in zip(READ_KINDS, [http_queues, sql_queues, http_count, sql_count],
                              strict=True):
            ms, seen = _median_ms(read)
            if seen != size:
                raise BenchError(f"{kind.name} saw {seen:,} jobs, not {size:,}")
            times[kind.name] = ms
    return times


@dataclass(frozen=True)
class ScaleResult:
    sizes: tuple[int, int]
    build_s: tuple[float, float]  # building each size (the second grows the first)
    times: tuple[dict[str, float], dict[str, float]]  # median ms per read kind, per size
    mismatches: list[str]  # ledger against jobs.job at the larger size; empty when right
    ledger_rows: tuple[int, int]  # rows in jobs.queue_count when each size was read
    reads: list[Read] = field(default_factory=lambda: list(READ_KINDS))
    reads_per_size: int = READS
    warmup: int = WARMUP


def measure_scale(stack: BenchStack) -> ScaleResult:
    """Reads at both SIZES. Leaves the larger table in place (prune reuses it)."""
    reset(stack.dsn)
    builds: list[float] = []
    times: list[dict[str, float]] = []
    ledger: list[int] = []
    for size in SIZES:
        began = time.perf_counter()
        held = grow(stack.dsn, size)
        builds.append(time.perf_counter() - began)
        if held != size:
            raise BenchError(f"building {size:,} jobs left {held:,}")
        times.append(_time_reads(stack, size))
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            row = conn.execute("SELECT count(*) FROM jobs.queue_count").fetchone()
        assert row is not None
        ledger.append(int(row[0]))
    return ScaleResult((SIZES[0], SIZES[1]), (builds[0], builds[1]), (times[0], times[1]),
                       ledger_mismatches(stack.dsn), (ledger[0], ledger[1]))


def build_large(stack: BenchStack) -> float:
    """Only the larger table, for a prune run without the reads; seconds it took."""
    reset(stack.dsn)
    began = time.perf_counter()
    held = grow(stack.dsn, SIZES[1])
    if held != SIZES[1]:
        raise BenchError(f"building {SIZES[1]:,} jobs left {held:,}")
    return time.perf_counter() - began
