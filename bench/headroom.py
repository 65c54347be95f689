"""Headroom: what the claim path and a submit would reach without parts of
what they keep, and on a narrow table, in the same run.

This measures the design, not a setting to use. Each step switches off more
of jobs.job's triggers and indexes, so the part runs last, on the bench's
own cluster, which is thrown away afterwards.

The narrow table is the shape other queues use: a job waits and runs in a
small table, and when it ends it is deleted from there and appended, with
the times and actors of its transitions, to a record. It keeps less than
jobsapi (no locks, follow-ups, leases to rescue, caller's scope, event
rows for other transitions, or transition guard; its statements are sent
as they are, not through functions), so it is an upper bound, not a plan.
"""

from __future__ import annotations

import json
import threading
import time

import psycopg

from .ceilings import ONE_INSERT_SQL
from .claim import run_claims
from .enqueue import ONE_JOB_SQL
from .pgbench import pgbench_tps
from .prefill import reset
from .report import Figure, Rate
from .settings import CLIENTS, QUEUE, SECONDS
from .stack import BenchStack
from .threads import run_together

BATCH = 100
NARROW_PREFILL = 200_000

# Each step adds to the ones before it.
STEPS: list[tuple[str, list[str]]] = [
    ("as deployed", []),
    ("without the event log, run history and counts triggers",
     ["ALTER TABLE jobs.job DISABLE TRIGGER _520_events_update",
      "ALTER TABLE jobs.job DISABLE TRIGGER _530_counts_update",
      "ALTER TABLE jobs.job DISABLE TRIGGER _540_history_update"]),
    ("... and the transition guard",
     ["ALTER TABLE jobs.job DISABLE TRIGGER _100_guard_transition"]),
    ("... and every trigger, and 5 indexes",
     ["ALTER TABLE jobs.job DISABLE TRIGGER USER",
      "DROP INDEX jobs.job_owner_idx", "DROP INDEX jobs.job_created_at_idx",
      "DROP INDEX jobs.job_finished_idx", "DROP INDEX jobs.job_name_completed_idx",
      "DROP INDEX jobs.job_expires_idx"]),
]

NARROW_SCHEMA = """
DROP SCHEMA IF EXISTS headroom CASCADE;
CREATE SCHEMA headroom;
CREATE TABLE headroom.job (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue text NOT NULL,
    name text NOT NULL,
    priority smallint NOT NULL DEFAULT 2,
    run_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    payload jsonb NOT NULL DEFAULT '{}',
    owner text NOT NULL DEFAULT current_user,
    worker text,
    started_at timestamptz,
    lease_expires_at timestamptz,
    attempts integer NOT NULL DEFAULT 0
);
CREATE INDEX ON headroom.job (queue, priority DESC, run_at, id) WHERE worker IS NULL;
-- One row per finished job: what the three events of a job say (submitted,
-- started, ended; when, by whom), and its outcome.
CREATE TABLE headroom.record (
    id bigint NOT NULL,
    queue text NOT NULL,
    name text NOT NULL,
    status text NOT NULL,
    priority smallint NOT NULL,
    run_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz NOT NULL,
    owner text NOT NULL,
    worker text NOT NULL,
    attempts integer NOT NULL,
    payload jsonb NOT NULL,
    result jsonb
);
CREATE INDEX ON headroom.record (id);
CREATE TABLE headroom.count (queue text NOT NULL, status text NOT NULL, jobs bigint NOT NULL);
-- A submit appends its counts and NOTIFYs, as jobsapi's does.
CREATE FUNCTION headroom.tg_job_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    INSERT INTO headroom.count (queue, status, jobs)
    SELECT n.queue, 'queued', count(*) FROM new_rows AS n GROUP BY n.queue;
    PERFORM pg_notify('jobs_queued', q.queue) FROM (SELECT DISTINCT n.queue FROM new_rows AS n) AS q;
    RETURN NULL;
END;
$$;
CREATE TRIGGER job_insert AFTER INSERT ON headroom.job
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION headroom.tg_job_insert();
"""

NARROW_SUBMIT = """INSERT INTO headroom.job (queue, name, payload) VALUES ('enqueue', 'bench', '{"n": 1}');"""

NARROW_CLAIM = """
UPDATE headroom.job AS j
SET worker = %(worker)s, started_at = now(), lease_expires_at = now() + interval '5 minutes',
    attempts = j.attempts + 1
FROM (
    SELECT c.id FROM headroom.job AS c
    WHERE c.queue = %(queue)s AND c.worker IS NULL
    ORDER BY c.priority DESC, c.run_at, c.id
    LIMIT %(max_jobs)s
    FOR UPDATE SKIP LOCKED
) AS picked
WHERE j.id = picked.id
RETURNING j.id, j.payload
"""

NARROW_COMPLETE = """
WITH done AS (
    DELETE FROM headroom.job AS j
    USING jsonb_to_recordset(%(results)s::jsonb) AS r (job_id bigint, result jsonb)
    WHERE j.id = r.job_id AND j.worker = %(worker)s
    RETURNING j.*, r.result
),
recorded AS (
    INSERT INTO headroom.record
    SELECT d.id, d.queue, d.name, 'completed', d.priority, d.run_at, d.created_at,
           d.started_at, now(), d.owner, d.worker, d.attempts, d.payload, d.result
    FROM done AS d
),
counted AS (
    INSERT INTO headroom.count (queue, status, jobs)
    SELECT d.queue, 'completed', count(*) FROM done AS d GROUP BY d.queue
)
SELECT count(*) FROM done
"""


def _execute(dsn: str, statements: list[str]) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _narrow_claims(dsn: str) -> float:
    """Jobs/s of CLIENTS threads looping claim BATCH + complete on the narrow table."""
    _execute(dsn, [NARROW_SCHEMA,
                   f"INSERT INTO headroom.job (queue, name) SELECT '{QUEUE}', 'noop'"
                   f" FROM generate_series(1, {NARROW_PREFILL})",
                   "VACUUM ANALYZE headroom.job", "CHECKPOINT"])

    def client(index: int, start: threading.Barrier) -> int:
        worker = f"headroom-{index}"
        with psycopg.connect(dsn, autocommit=True) as conn:
            start.wait()
            deadline = time.perf_counter() + SECONDS
            done = 0
            while time.perf_counter() < deadline:
                ids = [row[0] for row in conn.execute(
                    NARROW_CLAIM, {"worker": worker, "queue": QUEUE, "max_jobs": BATCH})]
                if not ids:
                    break
                conn.execute(NARROW_COMPLETE, {
                    "worker": worker, "results": json.dumps([{"job_id": i} for i in ids])})
                done += len(ids)
            return done

    counts, elapsed = run_together(CLIENTS, client)
    return sum(counts) / elapsed


def measure_headroom(stack: BenchStack) -> list[Figure]:
    reset(stack.dsn)
    parallel = Rate(f"pgbench one-insert tx, {CLIENTS} clients",
                    pgbench_tps(stack, "ceiling_insert", ONE_INSERT_SQL), "tx/s")
    reset(stack.dsn)
    serial = Rate("pgbench one-insert tx, 1 client",
                  pgbench_tps(stack, "ceiling_insert", ONE_INSERT_SQL, clients=1), "tx/s")
    claim_label = f"claim→complete SQL, {CLIENTS} workers, batch {BATCH}"
    submit_label = "submit SQL, 1 job/tx, 1 conn"
    figures: list[Figure] = []
    submits: list[Figure] = []
    for step, statements in STEPS:
        _execute(stack.dsn, statements)
        reset(stack.dsn)
        claims = run_claims(stack, "SQL", CLIENTS, BATCH)
        figures.append(Figure(Rate(f"{claim_label}, {step}", claims.rate, "jobs/s"), [parallel]))
        if step == STEPS[0][0] or step == STEPS[-1][0]:
            reset(stack.dsn)
            submits.append(Figure(Rate(f"{submit_label}, {step}",
                                       pgbench_tps(stack, "enqueue_one_serial", ONE_JOB_SQL,
                                                   clients=1), "jobs/s"), [serial]))
    figures.append(Figure(Rate(f"{claim_label}, narrow table", _narrow_claims(stack.dsn),
                               "jobs/s"), [parallel]))
    submits.append(Figure(Rate(f"{submit_label}, narrow table",
                               pgbench_tps(stack, "narrow_one_serial", NARROW_SUBMIT, clients=1),
                               "jobs/s"), [serial]))
    return figures + submits
