"""Reads with 10,000 and with 1,000,000 jobs: queue counts, analyst views, the ETL run log.

api.queues sums the jobs.queue_count ledger instead of scanning jobs, so
reading it should cost the same at both sizes: the ratio of the two times
is the figure (close to 1). Counting the jobs themselves is the contrast:
what a read that scans jobs costs at each size. The analyst views
(api.job_stats, daily_job_stats, duration_percentiles, latest_runs,
long_running_jobs, queue_depth) read the ledgers and a few index probes, and
last_success and the ETL run log's "newest successful run" read one name's
index: each is timed the same way, through PostgREST and through SQL.

The jobs are made through the real paths, so the triggers keep the ledgers
(counts, run history, newest job per name) and the event log as the API
would: INSERT INTO api.jobs in statements of CHUNK jobs, then set-based
UPDATEs of jobs.job through the transition rules (queued → running →
completed or failed), ANALYZE (as autovacuum would), then INSERT INTO
api.etl_jobs of that chunk's ETL runs in one statement, on a connection of
its own (its INSTEAD OF trigger makes each a job of type etl).
The table holds BLOCK-job blocks of one mix: in four history queues,
NAMES_PER_QUEUE job names each (a job's payload says the status it is taken
to; names rotate from block to block, so every name has completed, failed,
queued and running jobs), mostly completed; ETL runs of ETL_NAMES, logged
after the fact with start and end dates spread over the last 30 days; and
queued no-op jobs in the claim queue (QUEUE) that the prune measurement's
workers drain. Durations of the history jobs are short: the transition
rules stamp now().
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
from psycopg.rows import dict_row

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
NAMES_PER_QUEUE = 12  # job names <queue>-00 .. <queue>-11
# Jobs per BLOCK in each history queue, by the status they end in.
HISTORY_MIX = {"completed": 173, "failed": 6, "queued": 3, "running": 1}
ETL_NAMES = ("etl-orders", "etl-customers", "etl-invoices", "etl-stock")
ETL_PER_BLOCK = 20  # ETL runs per BLOCK: 20,000 at 1,000,000 jobs
ETL_ERROR_EVERY = 25  # every 25th ETL run ends in error
# The rest, queued in QUEUE: enough for prune.py's workers to claim for 20 s at ~12,000 jobs/s.
CLAIM_QUEUE_JOBS = BLOCK - len(HISTORY_QUEUES) * sum(HISTORY_MIX.values()) - ETL_PER_BLOCK
JOB_NAMES = len(HISTORY_QUEUES) * NAMES_PER_QUEUE + len(ETL_NAMES) + 1  # + noop
MANY_RUNS_NAME = "reports-00"  # ~14,000 completed runs at 1,000,000 jobs
ETL_NAME = ETL_NAMES[0]  # 5,000 runs at 1,000,000 jobs

# A history job's name: its queue and a number that moves on by one each block.
INSERT = """
INSERT INTO api.jobs (queue, name, payload)
SELECT
    p.queue,
    CASE
        WHEN p.outcome IS NULL THEN 'noop'
        ELSE p.queue || '-' || lpad(((g + b + p.k) %% %(names_per_queue)s)::text, 2, '0')
    END,
    CASE WHEN p.outcome IS NULL THEN '{}' ELSE jsonb_build_object('outcome', p.outcome) END
FROM generate_series(1, %(blocks)s) AS b,
    unnest(%(queues)s::text[], %(outcomes)s::text[], %(counts)s::int[])
        WITH ORDINALITY AS p (queue, outcome, n, k),
    generate_series(1, p.n) AS g
"""
TO_RUNNING = """
UPDATE jobs.job SET status = 'running'
WHERE id > %(after)s AND status = 'queued' AND payload ->> 'outcome' = ANY(%(outcomes)s)
"""
TO_FINISHED = """
UPDATE jobs.job
SET
    status = CASE WHEN payload ->> 'outcome' = 'failed' THEN 'failed' ELSE 'completed' END
        ::jobs.job_status,
    error = CASE WHEN payload ->> 'outcome' = 'failed' THEN 'bench: failed on purpose' END
WHERE id > %(after)s AND status = 'running' AND payload ->> 'outcome' = ANY(%(outcomes)s)
"""
# ETL runs g = first .. last: name by g, start spread over 30 days, durations
# from 20 s to 30 min (most short), every ETL_ERROR_EVERY-th in error.
ETL_INSERT = """
INSERT INTO api.etl_jobs (
    name, start_date, end_date, status, message, records_processed, source, destination
)
SELECT
    (%(names)s::text[])[1 + g %% cardinality(%(names)s::text[])],
    now() - r.ago * interval '30 days' - r.seconds * interval '1 second',
    now() - r.ago * interval '30 days',
    CASE WHEN g %% %(error_every)s = 0 THEN 'error' ELSE 'success' END,
    CASE WHEN g %% %(error_every)s = 0 THEN 'bench: failed on purpose' END,
    (g * 7919) %% 100000,
    'bench-source',
    'bench-destination'
FROM generate_series(%(first)s::int, %(last)s::int) AS g,
    LATERAL (
        SELECT
            (g * 0.6180339887) %% 1 AS ago,
            20 + 1780 * ((g * 0.7548776662) %% 1) ^ 3 AS seconds
    ) AS r
"""
LEDGER_COUNTS = """
SELECT q.name, s.key, s.value::bigint
FROM api.queues AS q, jsonb_each_text(q.counts) AS s
WHERE s.key <> 'paused' AND s.value::bigint <> 0
"""
TABLE_COUNTS = "SELECT queue, status::text, count(*) FROM jobs.job GROUP BY queue, status"
STATUS_COUNTS = "SELECT status::text, count(*) FROM jobs.job GROUP BY status"
STATS_COLUMNS = ("scheduled", "queued", "running", "completed", "failed", "cancelling",
                 "cancelled")


def _pattern() -> tuple[list[str], list[str | None], list[int]]:
    """One BLOCK of jobs but its ETL runs, as parallel arrays: queue, outcome, how many."""
    rows: list[tuple[str, str | None, int]] = [
        (q, s, n) for q in HISTORY_QUEUES for s, n in HISTORY_MIX.items()]
    rows.append((QUEUE, None, CLAIM_QUEUE_JOBS))
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def grow(dsn: str, size: int) -> int:
    """Add blocks of the mix until jobs.job holds `size` jobs; returns how many it holds."""
    queues, outcomes, counts = _pattern()
    leave = ["completed", "failed", "running"]
    finish = ["completed", "failed"]
    # The ETL runs come through a connection of their own, as from an ETL
    # script: a session whose statement triggers last planned a bulk UPDATE
    # keeps those plans (costed for ~72,000 rows, so JIT-compiled), and each
    # one-row statement of the ETL view's trigger would pay ~100 ms for it.
    with (psycopg.connect(dsn, autocommit=True) as conn,
          psycopg.connect(dsn, autocommit=True) as etl):
        held = conn.execute("SELECT count(*) FROM jobs.job").fetchone()
        assert held is not None
        blocks = (size - held[0]) // BLOCK
        etl_runs = conn.execute("SELECT count(*) FROM jobs.job WHERE type = 'etl'").fetchone()
        assert etl_runs is not None
        etl_done = int(etl_runs[0])
        while blocks > 0:
            chunk = min(blocks, CHUNK_BLOCKS)
            last = conn.execute("SELECT coalesce(max(id), 0) FROM jobs.job").fetchone()
            assert last is not None
            conn.execute(INSERT, {"blocks": chunk, "queues": queues, "outcomes": outcomes,
                                  "counts": counts, "names_per_queue": NAMES_PER_QUEUE})
            conn.execute(TO_RUNNING, {"after": last[0], "outcomes": leave})
            conn.execute(TO_FINISHED, {"after": last[0], "outcomes": finish})
            # What autovacuum would do soon after such a bulk change. Without it
            # a table that went from empty to 100,000 jobs has no statistics,
            # and each one-row ETL run's trigger probes "is any job waiting?"
            # with a scan of every job instead of the partial index.
            conn.execute("ANALYZE jobs.job")
            etl.execute(ETL_INSERT, {"names": list(ETL_NAMES), "error_every": ETL_ERROR_EVERY,
                                     "first": etl_done + 1,
                                     "last": etl_done + chunk * ETL_PER_BLOCK})
            etl_done += chunk * ETL_PER_BLOCK
            blocks -= chunk
        conn.execute("VACUUM ANALYZE jobs.job, jobs.job_event, jobs.queue_count, "
                     "jobs.job_history, jobs.name_latest")
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


def stats_mismatches(dsn: str) -> list[str]:
    """Columns of api.job_stats that differ from counting jobs.job by status."""
    with psycopg.connect(dsn, autocommit=True, row_factory=dict_row) as conn:
        stats = conn.execute("SELECT * FROM api.job_stats").fetchone()
        table = {r["status"]: r["count"] for r in conn.execute(STATUS_COUNTS).fetchall()}
    assert stats is not None
    wanted = {column: table.get(column, 0) for column in STATS_COLUMNS}
    wanted["total_jobs"] = sum(table.values())
    return [f"{column}: api.job_stats {stats[column]:,}, jobs.job {n:,}"
            for column, n in wanted.items() if stats[column] != n]


def median_ms(read: Callable[[], Any]) -> tuple[float, Any]:
    """Median milliseconds of READS calls (after WARMUP), and what the last call answered."""
    answer = None
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
    counts_jobs: bool = False  # True for the contrast: a read that scans jobs


READ_KINDS = [
    Read("GET /queues (HTTP)"),
    Read("SELECT counts FROM api.queues (SQL)"),
    Read("GET /jobs?limit=1, Prefer: count=exact (HTTP)", counts_jobs=True),
    Read("SELECT count(*) FROM jobs.job (SQL)", counts_jobs=True),
]

Rows = list[dict[str, Any]]
Check = Callable[[Rows, int], str | None]  # rows, jobs in the table -> what is wrong, or None


@dataclass(frozen=True)
class ViewRead:
    """One read, through PostgREST (path, params) and through SQL (query, args)."""

    path: str
    params: dict[str, str]
    sql: str
    args: tuple[object, ...]
    check: Check

    @property
    def http_name(self) -> str:
        return f"GET {self.path}" + ("?" + "&".join(f"{k}={v}" for k, v in self.params.items())
                                     if self.params else "")


def _rows_are(n: int) -> Check:
    return lambda rows, _: None if len(rows) == n else f"{len(rows)} rows, not {n}"


def _some_rows(rows: Rows, _: int) -> str | None:
    return None if rows else "no rows"


def _total_is_size(rows: Rows, size: int) -> str | None:
    total = rows[0]["total_jobs"] if len(rows) == 1 else None
    return None if total == size else f"total_jobs {total}, not {size:,}"


def _has_success(rows: Rows, _: int) -> str | None:
    return None if rows and rows[0]["last_success"] is not None else "no last success"


def _etl_success(rows: Rows, _: int) -> str | None:
    ok = len(rows) == 1 and rows[0]["name"] == ETL_NAME and rows[0]["status"] == "success"
    return None if ok else f"answered {rows!r}"


VIEW_READS = [
    ViewRead("/job_stats", {}, "SELECT * FROM api.job_stats", (), _total_is_size),
    ViewRead("/daily_job_stats", {"order": "day.desc", "limit": "50"},
             "SELECT * FROM api.daily_job_stats ORDER BY day DESC LIMIT 50", (), _rows_are(50)),
    ViewRead("/duration_percentiles", {}, "SELECT * FROM api.duration_percentiles", (),
             _some_rows),
    ViewRead("/latest_runs", {"limit": "100"}, "SELECT * FROM api.latest_runs LIMIT 100", (),
             _rows_are(JOB_NAMES)),
    ViewRead("/long_running_jobs", {}, "SELECT * FROM api.long_running_jobs", (),
             lambda rows, _: None),
    ViewRead("/queue_depth", {}, "SELECT * FROM api.queue_depth", (),
             _rows_are(len(HISTORY_QUEUES) + 2)),  # + the claim queue and etl
    ViewRead("/rpc/last_success", {"name": MANY_RUNS_NAME},
             "SELECT api.last_success(%s) AS last_success", (MANY_RUNS_NAME,), _has_success),
    ViewRead("/etl_jobs", {"name": f"eq.{ETL_NAME}", "status": "eq.success",
                           "order": "end_date.desc", "limit": "1"},
             "SELECT * FROM api.etl_jobs WHERE name = %s AND status = 'success' "
             "ORDER BY end_date DESC LIMIT 1", (ETL_NAME,), _etl_success),
]
VIEW_KINDS = [kind for read in VIEW_READS
              for kind in (Read(f"{read.http_name} (HTTP)"),
                           Read(f"{read.sql % tuple(repr(a) for a in read.args)} (SQL)"))]


@dataclass(frozen=True)
class SizeReads:
    times: dict[str, float]  # median ms per read kind
    rows: dict[str, int]  # rows the last read answered, per view read kind


def _time_reads(stack: BenchStack, size: int) -> SizeReads:
    """Median ms of each read kind; each must see `size` jobs or pass its check."""
    times: dict[str, float] = {}
    answered: dict[str, int] = {}
    with (httpx.Client(base_url=stack.api_url, headers=stack.auth, timeout=60) as http,
          psycopg.connect(stack.dsn, autocommit=True) as conn,
          psycopg.connect(stack.dsn, autocommit=True, row_factory=dict_row) as dict_conn):

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
            ms, seen = median_ms(read)
            if seen != size:
                raise BenchError(f"{kind.name} saw {seen:,} jobs, not {size:,}")
            times[kind.name] = ms

        def over_http(view: ViewRead) -> Callable[[], Rows]:
            def read() -> Rows:
                response = http.get(view.path, params=view.params)
                response.raise_for_status()
                body = response.json()
                # A function returning a scalar answers the bare value.
                return body if isinstance(body, list) else [{view.path.split("/")[-1]: body}]
            return read

        def over_sql(view: ViewRead) -> Callable[[], Rows]:
            return lambda: dict_conn.execute(view.sql, view.args or None).fetchall()

        kinds = iter(VIEW_KINDS)
        for view in VIEW_READS:
            for kind, read in ((next(kinds), over_http(view)), (next(kinds), over_sql(view))):
                ms, rows = median_ms(read)
                wrong = view.check(rows, size)
                if wrong is not None:
                    raise BenchError(f"{kind.name} at {size:,} jobs: {wrong}")
                times[kind.name] = ms
                answered[kind.name] = len(rows)
    return SizeReads(times, answered)


@dataclass(frozen=True)
class ScaleResult:
    sizes: tuple[int, int]
    build_s: tuple[float, float]  # building each size (the second grows the first)
    reads: tuple[SizeReads, SizeReads]  # median ms (and rows) per read kind, per size
    mismatches: list[str]  # ledger against jobs.job at the larger size; empty when right
    stats_mismatches: list[str]  # api.job_stats against jobs.job at the larger size
    ledger_rows: tuple[int, int]  # rows in jobs.queue_count when each size was read
    history_rows: tuple[int, int]  # rows in jobs.job_history when each size was read
    latest_rows: tuple[int, int]  # rows in jobs.name_latest when each size was read
    etl_runs: tuple[int, int]  # jobs of type etl at each size
    kinds: list[Read] = field(default_factory=lambda: list(READ_KINDS))
    view_kinds: list[Read] = field(default_factory=lambda: list(VIEW_KINDS))
    reads_per_size: int = READS
    warmup: int = WARMUP
    job_names: int = JOB_NAMES


LEDGERS = """
SELECT
    (SELECT count(*) FROM jobs.queue_count),
    (SELECT count(*) FROM jobs.job_history),
    (SELECT count(*) FROM jobs.name_latest),
    (SELECT count(*) FROM jobs.job WHERE type = 'etl')
"""


def measure_scale(stack: BenchStack) -> ScaleResult:
    """Reads at both SIZES. Leaves the larger table in place (prune reuses it)."""
    reset(stack.dsn)
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        # The run history of earlier parts' jobs: the views then show only these.
        conn.execute("TRUNCATE jobs.job_history, jobs.name_latest")
    builds: list[float] = []
    reads: list[SizeReads] = []
    ledgers: list[tuple[int, int, int, int]] = []
    for size in SIZES:
        began = time.perf_counter()
        held = grow(stack.dsn, size)
        builds.append(time.perf_counter() - began)
        if held != size:
            raise BenchError(f"building {size:,} jobs left {held:,}")
        reads.append(_time_reads(stack, size))
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            row = conn.execute(LEDGERS).fetchone()
        assert row is not None
        ledgers.append((int(row[0]), int(row[1]), int(row[2]), int(row[3])))
    return ScaleResult(
        (SIZES[0], SIZES[1]), (builds[0], builds[1]), (reads[0], reads[1]),
        ledger_mismatches(stack.dsn), stats_mismatches(stack.dsn),
        (ledgers[0][0], ledgers[1][0]), (ledgers[0][1], ledgers[1][1]),
        (ledgers[0][2], ledgers[1][2]), (ledgers[0][3], ledgers[1][3]))


def build_large(stack: BenchStack) -> float:
    """Only the larger table, for a prune run without the reads; seconds it took."""
    reset(stack.dsn)
    began = time.perf_counter()
    held = grow(stack.dsn, SIZES[1])
    if held != SIZES[1]:
        raise BenchError(f"building {SIZES[1]:,} jobs left {held:,}")
    return time.perf_counter() - began
