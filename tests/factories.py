"""Test data factories: make rows through the same SQL a user would run."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from psycopg.rows import dict_row

COLUMNS = ("queue", "name", "type", "status", "priority", "payload", "meta", "run_at",
           "max_attempts", "message", "locks", "after_job_id", "expires_at")


def make_job(conn: psycopg.Connection, **fields: Any) -> dict[str, Any]:
    """Insert one job through api.jobs and return its row."""
    fields.setdefault("name", "job")
    unknown = set(fields) - set(COLUMNS)
    assert not unknown, f"not a submittable column: {unknown}"
    values = [json.dumps(v) if k in ("payload", "meta") else v for k, v in fields.items()]
    cols = ", ".join(fields)
    marks = ", ".join(["%s"] * len(fields))
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"INSERT INTO api.jobs ({cols}) VALUES ({marks}) RETURNING *", values)
        row = cur.fetchone()
        assert row is not None
        return row


def job(conn: psycopg.Connection, job_id: int) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM api.jobs WHERE id = %s", (job_id,))
        row = cur.fetchone()
        assert row is not None, f"job {job_id} is gone"
        return row


def call(conn: psycopg.Connection, function: str, **args: Any) -> list[dict[str, Any]]:
    """Call an api function with named arguments, the way PostgREST does."""
    named = ", ".join(f"{k} => %s" for k in args)
    values = [psycopg.types.json.Jsonb(v) if isinstance(v, (dict, list)) and k not in ("queues",)
              else v for k, v in args.items()]
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"SELECT * FROM api.{function}({named})", values)
        return cur.fetchall()


def events(conn: psycopg.Connection, job_id: int) -> list[tuple[str | None, str]]:
    cur = conn.execute("SELECT from_status::text, to_status::text FROM api.job_events"
                       " WHERE job_id = %s ORDER BY id", (job_id,))
    return cur.fetchall()


def run(conn: psycopg.Connection, job_id: int, worker: str = "w1") -> None:
    """Put a queued job into running for worker, through the transition guard."""
    conn.execute("UPDATE jobs.job SET status = 'running', worker = %s,"
                 " lease_expires_at = now() + interval '5 min' WHERE id = %s", (worker, job_id))


def finish(conn: psycopg.Connection, job_id: int, status: str = "completed", **counters: int) -> None:
    """Run a job and finish it with status and counters."""
    run(conn, job_id)
    sets = ", ".join(f"{k} = %s" for k in counters)
    conn.execute(f"UPDATE jobs.job SET status = %s{', ' + sets if sets else ''} WHERE id = %s",
                 (status, *counters.values(), job_id))


def place(conn: psycopg.Connection, status: str, **fields: Any) -> int:
    """A job put straight into a status, with triggers off (superuser only)."""
    row = make_job(conn, **{"name": "placed", **fields})
    conn.execute("SET session_replication_role = replica")
    try:
        conn.execute("UPDATE jobs.job SET status = %s WHERE id = %s", (status, row["id"]))
    finally:
        conn.execute("SET session_replication_role = DEFAULT")
    return row["id"]
