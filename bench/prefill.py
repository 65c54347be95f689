"""Put the job tables in a known state before each measurement."""

from __future__ import annotations

import psycopg

from .settings import QUEUE


def reset(dsn: str) -> None:
    """Empty tables, fresh statistics, and a checkpoint so none lands mid-run by chance."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("TRUNCATE jobs.job, jobs.job_event, jobs.queue, jobs.queue_count,"
                     " jobs.job_lock, jobs.job_file, jobs.worker, jobs.job_history,"
                     " jobs.name_latest, jobs.claim_floor, jobs.claim_floor_low, bench.scratch")
        conn.execute("VACUUM ANALYZE jobs.job, jobs.job_event, bench.scratch")
        conn.execute("CHECKPOINT")


def prefill(dsn: str, count: int, queue: str = QUEUE) -> None:
    """An emptied database holding `count` queued no-op jobs in `queue`."""
    reset(dsn)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("INSERT INTO api.jobs (queue, name) "
                     "SELECT %s, 'noop' FROM generate_series(1, %s)", (queue, count))
        conn.execute("VACUUM ANALYZE jobs.job, jobs.job_event")
        conn.execute("CHECKPOINT")
