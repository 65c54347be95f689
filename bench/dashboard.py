"""The dashboard's requests with 1,000,000 jobs: each request the page makes
(dashboard/js/views/) for its first screen (the overview), a page of the
jobs list (unfiltered, by status, by queue and status, by part of a name,
the next page, a time range), one job's page and the other screens, and a
Prometheus scrape. Each is timed through
PostgREST with an admin token, and printed as a ratio to a trivial request
(POST /rpc/bench_ping) timed in the same loop, since this machine is shared
and noisy. The goal is under 50 ms each.

The table is the scale part's (scale.py): it is grown to SIZE jobs if it
holds fewer. The ledgers are folded first, as maintenance does every minute.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import psycopg

from . import BenchError
from .report import table
from .scale import READS, SIZES, WARMUP, grow, median_ms
from .stack import BenchStack

SIZE = SIZES[1]
GOAL_MS = 50.0
# What the page asks for a job (dashboard/js/views/job.js) and its lineage.
JOB_PAGE = "*,duration,queue_time,estimated_remaining,retriable,totals,events(*),files(*)"
LINEAGE = "id,name,status,type,retry_of,created_at"
JOB_COLUMNS = ("id,queue,name,type,status,priority,owner,worker,attempts,max_attempts,progress,"
               "created_at,started_at,ended_at,run_at")


@dataclass(frozen=True)
class PageRead:
    screen: str
    path: str
    params: dict[str, str]


@dataclass(frozen=True)
class DashboardResult:
    size: int
    trivial_ms: float
    reads: list[tuple[PageRead, float, int]]  # read, median ms, rows (or bytes) answered
    unfolded_rows: int


def _reads(conn: psycopg.Connection) -> list[PageRead]:
    """The page's requests, with ids and times taken from the table as it is."""
    now = datetime.now(timezone.utc)
    hour_ago = (now - timedelta(hours=1)).isoformat()
    newest = conn.execute("SELECT max(id) FROM jobs.job").fetchone()
    failed = conn.execute("SELECT max(id) FROM jobs.job WHERE status = 'failed'").fetchone()
    assert newest is not None and failed is not None
    listed = {"select": JOB_COLUMNS, "order": "id.desc", "limit": "51"}
    job = str(failed[0])
    return [
        PageRead("overview", "/rpc/whoami", {}),
        PageRead("overview", "/queues", {"order": "name.asc"}),
        PageRead("overview", "/queue_depth", {}),
        PageRead("overview", "/job_stats", {}),
        PageRead("overview", "/minute_job_stats", {"minute": f"gte.{hour_ago}",
                                                   "order": "minute.asc"}),
        PageRead("overview", "/duration_percentiles", {"order": "p95.desc.nullslast",
                                                       "limit": "20"}),
        PageRead("overview", "/long_running_jobs", {"order": "running_for.desc", "limit": "20"}),
        PageRead("overview", "/maintenance", {}),
        PageRead("jobs", "/jobs", listed),
        PageRead("jobs", "/jobs", {**listed, "status": "eq.failed"}),
        PageRead("jobs", "/jobs", {**listed, "queue": "eq.mail", "status": "eq.failed"}),
        PageRead("jobs", "/jobs", {**listed, "name": "ilike.*reports-0*"}),
        PageRead("jobs", "/jobs", {**listed, "id": f"lt.{int(newest[0]) - 50}"}),
        PageRead("jobs", "/jobs", {**listed, "created_at": f"gte.{hour_ago}"}),
        PageRead("job", "/jobs", {"id": f"eq.{job}", "select": JOB_PAGE}),
        PageRead("job", "/jobs", {"retry_of": f"eq.{job}", "select": LINEAGE,
                                  "order": "id.asc", "limit": "200"}),
        PageRead("workers", "/workers", {"order": "active.desc,last_seen.desc", "limit": "200"}),
        PageRead("workers", "/jobs", {"worker": "in.(w1,w2)", "status": "in.(running,cancelling)",
                                      "select": "id,name,queue,progress,status,worker",
                                      "order": "id.asc", "limit": "500"}),
        PageRead("locks", "/job_locks", {"order": "acquired_at.asc", "limit": "500"}),
        PageRead("etl", "/etl_jobs", {"order": "id.desc", "limit": "50"}),
        PageRead("etl", "/etl_jobs", {"status": "eq.error", "order": "id.desc", "limit": "20"}),
        PageRead("etl", "/latest_runs", {"type": "eq.etl", "order": "created_at.desc",
                                         "limit": "500"}),
        PageRead("metrics", "/rpc/metrics", {}),
    ]


def measure_dashboard(stack: BenchStack) -> DashboardResult:
    held = grow(stack.dsn, SIZE)
    if held < SIZE:
        raise BenchError(f"building {SIZE:,} jobs left {held:,}")
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute("SELECT jobs_internal.fold_queue_counts(), jobs_internal.fold_history()")
        row = conn.execute("SELECT count(*) FROM jobs.job_history WHERE NOT folded").fetchone()
        assert row is not None
        reads = _reads(conn)
    results = []
    with httpx.Client(base_url=stack.api_url, headers=stack.auth, timeout=60) as http:
        trivial = []
        for read in reads:
            trivial.append(median_ms(lambda: http.post("/rpc/bench_ping", json={}))[0])
            ms, response = median_ms(
                lambda read=read: http.get(read.path, params=read.params))
            if response.status_code != 200:
                raise BenchError(f"GET {read.path} answered {response.status_code}: "
                                 f"{response.text[:300]}")
            body = response.json() if "json" in response.headers["content-type"] else None
            results.append((read, ms, len(body) if isinstance(body, list)
                            else len(response.content)))
    return DashboardResult(held, statistics.median(trivial), results, int(row[0]))


def dashboard_table(result: DashboardResult) -> str:
    rows = []
    for read, ms, answered in result.reads:
        query = "&".join(f"{k}={v}" for k, v in read.params.items() if k != "select")
        rows.append([read.screen, f"GET {read.path}" + (f"?{query}" if query else ""),
                     f"{answered:,}", f"{ms:.2f}", f"{ms / result.trivial_ms:.1f}",
                     "yes" if ms < GOAL_MS else "NO"])
    slow = [f"{r[0]} {r[1]}" for r in rows if r[-1] == "NO"]
    return "\n".join([
        table(["screen", "request (admin token)", "rows/bytes", "median ms",
               "× trivial request", f"< {GOAL_MS:.0f} ms"], rows, {2, 3, 4}),
        "",
        f"{result.size:,} jobs; trivial request (POST /rpc/bench_ping): "
        f"{result.trivial_ms:.2f} ms median; median of {READS} after {WARMUP} warm-up",
        f"run history rows not yet folded when read: {result.unfolded_rows:,}",
        f"requests over {GOAL_MS:.0f} ms: " + (", ".join(slow) or "none"),
    ])
