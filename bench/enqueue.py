"""Enqueue rates: one job per transaction and batches of BATCH, over SQL and over HTTP.

The SQL figures run under pgbench with the same clients as the pgbench
ceiling, so their ratio is the cost of the jobs schema alone (view, defaults,
triggers, event log), not of a client.
"""

from __future__ import annotations

import json
import threading
import time

import httpx

from .ceilings import Ceilings
from .pgbench import pgbench_tps
from .prefill import reset
from .reference import QUEUE_ENQUEUE_BATCHED, target_ratio
from .report import Figure, Rate
from .settings import BATCH, CLIENTS, ENQUEUE_QUEUE, SECONDS
from .stack import BenchStack
from .threads import run_together
from .wrk import wrk_rps

HTTP_BATCH_CLIENTS = 4
HTTP_BATCH_MAX = 400  # batches per run: the count bound of the HTTP batch figure

ONE_JOB = {"queue": ENQUEUE_QUEUE, "name": "bench", "payload": {"n": 1}}
ONE_JOB_SQL = f"""
INSERT INTO api.jobs (queue, name, payload) VALUES ('{ENQUEUE_QUEUE}', 'bench', '{{"n": 1}}');
"""
BATCH_SQL = f"""
INSERT INTO api.jobs (queue, name, payload)
SELECT '{ENQUEUE_QUEUE}', 'bench', jsonb_build_object('n', g) FROM generate_series(1, {BATCH}) AS g;
"""


def _http_batch_rate(stack: BenchStack) -> float:
    """Jobs/s of POST /jobs with arrays of BATCH jobs from a few threads."""
    body = json.dumps([{**ONE_JOB, "payload": {"n": n}} for n in range(BATCH)]).encode()
    headers = {**stack.auth, "Content-Type": "application/json"}
    tickets = iter(range(HTTP_BATCH_MAX))
    lock = threading.Lock()

    def next_ticket() -> int | None:
        with lock:
            return next(tickets, None)

    def client(_: int, start: threading.Barrier) -> int:
        with httpx.Client(base_url=stack.api_url, headers=headers, timeout=60) as http:
            start.wait()
            deadline = time.perf_counter() + SECONDS
            sent = 0
            while time.perf_counter() < deadline and next_ticket() is not None:
                http.post("/jobs", content=body).raise_for_status()
                sent += BATCH
            return sent

    counts, elapsed = run_together(HTTP_BATCH_CLIENTS, client)
    return sum(counts) / elapsed


def measure_enqueue(stack: BenchStack, ceilings: Ceilings) -> list[Figure]:
    reset(stack.dsn)
    sql_serial = pgbench_tps(stack, "enqueue_one_serial", ONE_JOB_SQL, clients=1)
    reset(stack.dsn)
    sql_one = pgbench_tps(stack, "enqueue_one", ONE_JOB_SQL)
    reset(stack.dsn)
    sql_batch = pgbench_tps(stack, "enqueue_batch", BATCH_SQL) * BATCH
    reset(stack.dsn)
    http_one = wrk_rps(stack, "enqueue_one", "/jobs", ONE_JOB)
    reset(stack.dsn)
    http_batch = _http_batch_rate(stack)
    http_ceilings = [ceilings.rpc_insert, ceilings.rpc_trivial]
    return [
        Figure(Rate("enqueue SQL, 1 job/tx, 1 conn", sql_serial, "jobs/s"),
               [ceilings.pgbench_insert_serial]),
        Figure(Rate(f"enqueue SQL, 1 job/tx, {CLIENTS} conns", sql_one, "jobs/s"),
               [ceilings.pgbench_insert]),
        Figure(Rate(f"enqueue SQL, {BATCH} jobs/stmt, {CLIENTS} conns", sql_batch, "jobs/s"),
               [ceilings.pgbench_insert], target_ratio(QUEUE_ENQUEUE_BATCHED)),
        Figure(Rate(f"enqueue HTTP, 1 job/POST, wrk {CLIENTS} conns", http_one, "jobs/s"),
               http_ceilings),
        Figure(Rate(f"enqueue HTTP, {BATCH} jobs/POST, httpx {HTTP_BATCH_CLIENTS} threads",
                    http_batch, "jobs/s"),
               http_ceilings),
    ]

