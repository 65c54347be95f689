"""Headroom: what the claim path and a submit would reach without parts of
what they keep, and on a narrow table, in the same run.

This measures the design, not a setting to use. Each step switches off more
of jobs.job's triggers and indexes, so the part runs last, on the bench's
own cluster, which is thrown away afterwards.

The narrow table is the shape other queues use: a job waits and runs in a
small table, and when it ends it is deleted from there and appended, with
the times and actors of its transitions, to a record. Worker logins (and
worker tokens over HTTP) claim and complete through its functions, which
read the caller's scope and append counts and run history per statement,
as jobsapi's do. It keeps less than jobsapi (no locks, follow-ups, leases
to rescue, event rows for other transitions or transition guard), so it is
an upper bound, not a plan. Then the narrow table gets back, step by step,
what costs most of that: the indexes jobsapi keeps on finished jobs, and an
event row per transition.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import psycopg
from psycopg.types.json import Jsonb

from . import BenchError
from .ceilings import ONE_INSERT_SQL
from .claim import HttpWorker, SqlWorker, Transport, run_claims, run_workers
from .enqueue import ONE_JOB_SQL
from .pgbench import pgbench_tps
from .prefill import reset
from .report import Figure, Rate
from .settings import CLIENTS, QUEUE
from .stack import BenchStack

BATCH = 100
NARROW_PREFILL = 200_000
RELOAD_SECONDS = 10  # how long PostgREST may take to see the narrow table's functions

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
-- Written to only from the last of NARROW_STEPS on.
CREATE TABLE headroom.event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id bigint NOT NULL,
    to_status text NOT NULL,
    actor text NOT NULL,
    happened_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ON headroom.event (job_id);
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
CREATE TABLE headroom.history (
    day date NOT NULL, queue text NOT NULL, name text NOT NULL, status text NOT NULL,
    jobs bigint NOT NULL, duration_sum double precision NOT NULL
);
-- A claim of one queue, and a report; each reads the caller's scope and
-- appends counts (and the report its run history) per statement.
CREATE FUNCTION headroom.claim(queues text[], worker text, max_jobs integer)
RETURNS TABLE (id bigint, payload jsonb)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    PERFORM FROM jobs_internal.caller_scope();
    RETURN QUERY
    WITH claimed AS (
        UPDATE headroom.job AS j
        SET worker = claim.worker, started_at = now(),
            lease_expires_at = now() + interval '5 minutes', attempts = j.attempts + 1
        FROM (
            SELECT c.id FROM headroom.job AS c
            WHERE c.queue = queues[1] AND c.worker IS NULL
            ORDER BY c.priority DESC, c.run_at, c.id
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED
        ) AS picked
        WHERE j.id = picked.id
        RETURNING j.id, j.payload, j.queue
    ),
    counted AS (
        INSERT INTO headroom.count (queue, status, jobs)
        SELECT c.queue, 'running', count(*) FROM claimed AS c GROUP BY c.queue
    )
    SELECT c.id, c.payload FROM claimed AS c;
END;
$$;
CREATE FUNCTION headroom.complete(results jsonb, worker text) RETURNS SETOF bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    PERFORM FROM jobs_internal.caller_scope();
    RETURN QUERY
    WITH done AS (
        DELETE FROM headroom.job AS j
        USING jsonb_to_recordset(results) AS r (job_id bigint, result jsonb)
        WHERE j.id = r.job_id AND j.worker = complete.worker
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
    ),
    history AS (
        INSERT INTO headroom.history (day, queue, name, status, jobs, duration_sum)
        SELECT current_date, d.queue, d.name, 'completed', count(*),
               sum(extract(EPOCH FROM now() - d.started_at))
        FROM done AS d GROUP BY d.queue, d.name
    )
    SELECT d.id FROM done AS d;
END;
$$;
GRANT USAGE ON SCHEMA headroom TO jobs_worker;
GRANT EXECUTE ON FUNCTION headroom.claim(text[], text, integer), headroom.complete(jsonb, text)
TO jobs_worker;
-- The same over HTTP: PostgREST serves api only. (This cluster is thrown
-- away after the run; a deploy would remove them.)
CREATE FUNCTION api.headroom_claim(queues text[], worker text, max_jobs integer)
RETURNS TABLE (id bigint, payload jsonb)
LANGUAGE sql AS 'SELECT * FROM headroom.claim(queues, worker, max_jobs)';
CREATE FUNCTION api.headroom_complete(results jsonb, worker text) RETURNS SETOF bigint
LANGUAGE sql AS 'SELECT * FROM headroom.complete(results, worker)';
GRANT EXECUTE ON FUNCTION api.headroom_claim(text[], text, integer),
    api.headroom_complete(jsonb, text) TO jobs_worker;
NOTIFY pgrst, 'reload schema';
"""

NARROW_SUBMIT = """INSERT INTO headroom.job (queue, name, payload) VALUES ('enqueue', 'bench', '{"n": 1}');"""

# Then what the narrow table gives back of what jobsapi keeps, each step
# adding to the ones before it (SQL only).
NARROW_STEPS: list[tuple[str, str]] = [
    ("narrow table, with the indexes jobsapi keeps on finished jobs", """
DROP INDEX headroom.record_id_idx;
ALTER TABLE headroom.record ADD PRIMARY KEY (id),
    ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now() + interval '30 days';
CREATE INDEX ON headroom.record (owner, id);
CREATE INDEX ON headroom.record (queue, status, id);
CREATE INDEX ON headroom.record (expires_at);
CREATE INDEX ON headroom.record (name, started_at) WHERE status = 'completed';
CREATE INDEX ON headroom.record USING brin (created_at);
CREATE INDEX ON headroom.job (owner, id);
"""),
    ("... and an event row per transition, as jobsapi's event log", """
CREATE FUNCTION headroom.tg_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
    INSERT INTO headroom.event (job_id, to_status, actor)
    SELECT n.id, TG_ARGV[0], current_user FROM new_rows AS n;
    RETURN NULL;
END;
$$;
CREATE TRIGGER started AFTER UPDATE ON headroom.job REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION headroom.tg_event('running');
CREATE TRIGGER ended AFTER INSERT ON headroom.record REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION headroom.tg_event('completed');
"""),
]


class NarrowWorker(SqlWorker):
    """Claims and completes on the narrow table, through its functions."""

    function = "headroom.claim"

    def complete(self, ids: list[int]) -> None:
        self.conn.execute("SELECT count(*) FROM headroom.complete(results => %s, worker => %s)",
                          (Jsonb([{"job_id": i} for i in ids]), self.name))


class NarrowHttpWorker(HttpWorker):
    """The same through PostgREST, with a worker token."""

    def claim(self) -> list[int]:
        jobs = self._rpc("headroom_claim", {"queues": [QUEUE], "worker": self.name,
                                            "max_jobs": self.batch}).json()
        return [job["id"] for job in jobs]

    def complete(self, ids: list[int]) -> None:
        self._rpc("headroom_complete", {"results": [{"job_id": i} for i in ids],
                                        "worker": self.name})


def _create_narrow_table(stack: BenchStack) -> None:
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute(NARROW_SCHEMA)
    # PostgREST reloads its schema cache on the NOTIFY above.
    deadline = time.monotonic() + RELOAD_SECONDS
    while httpx.post(f"{stack.api_url}/rpc/headroom_claim", headers=stack.auth,
                     json={"queues": [], "worker": "reload", "max_jobs": 0}).status_code == 404:
        if time.monotonic() > deadline:
            raise BenchError("PostgREST did not load the narrow table's functions")
        time.sleep(0.1)


def _narrow_claims(stack: BenchStack, transport: Transport) -> float:
    """Jobs/s of CLIENTS workers looping claim BATCH + complete on the narrow table."""
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute("TRUNCATE headroom.job, headroom.record, headroom.count, headroom.history,"
                     " headroom.event")
        conn.execute("INSERT INTO headroom.job (queue, name) SELECT %s, 'noop'"
                     " FROM generate_series(1, %s)", (QUEUE, NARROW_PREFILL))
        conn.execute("VACUUM ANALYZE headroom.job")
        conn.execute("CHECKPOINT")
    return run_workers(stack, transport, CLIENTS, BATCH, worker_class=NarrowWorker,
                       http_class=NarrowHttpWorker).rate


def _ceiling(stack: BenchStack, clients: int) -> Rate:
    """pgbench's one-insert rate, measured again before each figure: one
    part takes minutes, and the machine's speed drifts meanwhile."""
    reset(stack.dsn)
    return Rate(f"pgbench one-insert tx, {clients} client{'s' if clients > 1 else ''}",
                pgbench_tps(stack, "ceiling_insert", ONE_INSERT_SQL, clients=clients), "tx/s")


def _submit(stack: BenchStack, label: str, statement: str) -> Figure:
    ceiling = _ceiling(stack, 1)
    return Figure(Rate(label, pgbench_tps(stack, "headroom_submit", statement, clients=1),
                       "jobs/s"), [ceiling])


def measure_headroom(stack: BenchStack) -> list[Figure]:
    def claims(transport: Transport, step: str, rate: Callable[[], float]) -> Figure:
        ceiling = _ceiling(stack, CLIENTS)
        label = f"claim→complete {transport}, {CLIENTS} workers, batch {BATCH}, {step}"
        return Figure(Rate(label, rate(), "jobs/s"), [ceiling])

    submit_label = "submit SQL, 1 job/tx, 1 conn"
    figures: list[Figure] = []
    submits: list[Figure] = []
    for step, statements in STEPS:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)
        transports: list[Transport] = ["SQL", "HTTP"] if step == STEPS[0][0] else ["SQL"]
        figures += [claims(t, step, lambda t=t: run_claims(stack, t, CLIENTS, BATCH).rate)
                    for t in transports]
        if step in (STEPS[0][0], STEPS[-1][0]):
            submits.append(_submit(stack, f"{submit_label}, {step}", ONE_JOB_SQL))
    _create_narrow_table(stack)
    figures += [claims(t, "narrow table", lambda t=t: _narrow_claims(stack, t))
                for t in ("SQL", "HTTP")]
    submits.append(_submit(stack, f"{submit_label}, narrow table", NARROW_SUBMIT))
    for step, statements in NARROW_STEPS:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            conn.execute(statements)
        figures.append(claims("SQL", step, lambda: _narrow_claims(stack, "SQL")))
    return figures + submits
