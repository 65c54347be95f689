"""The peers' workload: 20,000 no-op jobs drained by one jobsapi.Worker at
concurrency 16, at its defaults (no batch_size: it holds ready what its
handlers finish in one claim's round trip), with batch_size 16 (nothing
held ready) and with batch_size 100, as production runs it: on a connection string that logs in as a
worker login (a member of jobs_worker only, with row level security), and
over HTTP with a jobs_worker token. Each figure is a ratio to pgbench's
one-insert transaction with 8 clients in the same run, beside the ratios of
the peers measured the same way on another machine (graphile-worker,
pg-boss, pgqueuer), so that the comparison needs `make bench` alone.

Beside each rate, the CPU one job cost the Worker's process, PostgreSQL and
PostgREST: on this machine they share two cores, so when those are busy
the rate is about two cores divided by the sum."""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg

from jobsapi import Client

from . import BenchError
from .cpu import cluster_cpu_seconds, process_cpu_seconds
from .pgbench import pgbench_tps
from .prefill import prefill, reset
from .report import table
from .settings import QUEUE
from .stack import BenchStack
from .worker import run_worker

JOBS = 20_000
CONCURRENCY = 16
BATCHES: tuple[int | None, ...] = (None, 16, 100)
LOGIN = "bench_worker"
# Jobs per second as a ratio to pgbench's one-insert transaction with 8
# clients, measured in one run on a 2-core machine beside jobsapi.
PEERS = [
    ("graphile-worker 0.18, batched preset", 2.25),
    ("pg-boss 12, batch 100 with NOTIFY", 0.90),
    ("pgqueuer 1.6, batch 16", 0.48),
    ("graphile-worker 0.18, defaults", 0.21),
]


@dataclass(frozen=True)
class Drained:
    name: str
    jobs_per_second: float
    cpu_us: tuple[float, float, float]  # a job's CPU: the Worker's process, PostgreSQL, PostgREST


def worker_login(stack: BenchStack) -> str:
    """The connection string of a login that is only a jobs_worker, for QUEUE."""
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        if not conn.execute("SELECT FROM pg_roles WHERE rolname = %s", (LOGIN,)).fetchone():
            conn.execute(f"CREATE ROLE {LOGIN} LOGIN IN ROLE jobs_worker")
        conn.execute("INSERT INTO jobs.worker_login (role_name, queues) VALUES (%s, %s)"
                     " ON CONFLICT (role_name) DO UPDATE SET queues = excluded.queues",
                     (LOGIN, [QUEUE]))
    return stack.dsn.replace("postgres@", f"{LOGIN}@")


def _cpu_seconds(stack: BenchStack) -> tuple[float, float, float]:
    # This process runs the Worker; its other threads only wait meanwhile.
    return (time.process_time(), cluster_cpu_seconds(stack.pg_pid),
            process_cpu_seconds(stack.postgrest_pid))


def drain_all(stack: BenchStack, name: str, source: Client | str,
              batch_size: int | None) -> Drained:
    """The rate at which one Worker completes JOBS prefilled jobs, and the
    CPU each job cost."""
    prefill(stack.dsn, JOBS)
    before = _cpu_seconds(stack)
    done, elapsed = run_worker(stack, source, CONCURRENCY, batch_size, JOBS, 120)
    after = _cpu_seconds(stack)
    if done != JOBS:
        raise BenchError(f"{done} of {JOBS} jobs completed in {elapsed:.0f} s")
    worker, database, postgrest = ((a - b) / done * 1e6 for a, b in zip(after, before, strict=True))
    return Drained(name, done / elapsed, (worker, database, postgrest))


def measure_compare(stack: BenchStack) -> tuple[float, list[Drained]]:
    reset(stack.dsn)
    ceiling = pgbench_tps(stack, "ceiling_insert_n", "INSERT INTO bench.scratch (payload) "
                          "VALUES ('{\"n\": 1}');")
    login = worker_login(stack)
    runs = [drain_all(stack, f"jobsapi Worker, worker login, concurrency {CONCURRENCY},"
                             f" {_batch(batch_size)}", login, batch_size)
            for batch_size in BATCHES]
    with Client(stack.api_url, stack.worker_token) as client:
        runs += [drain_all(stack, f"jobsapi Worker over HTTP, concurrency {CONCURRENCY},"
                                  f" {_batch(batch_size)}", client, batch_size)
                 for batch_size in BATCHES]
    return ceiling, runs


def _batch(batch_size: int | None) -> str:
    return "defaults" if batch_size is None else f"batch_size {batch_size}"


def compare_table(ceiling: float, runs: list[Drained]) -> str:
    rows = [[r.name, f"{r.jobs_per_second:,.0f} jobs/s", f"{r.jobs_per_second / ceiling:.2f}",
             " / ".join(f"{us:.0f}" for us in r.cpu_us)] for r in runs]
    rows += [[f"{name} (another run)", "", f"{ratio:.2f}", ""] for name, ratio in PEERS]
    return table([f"{JOBS:,} no-op jobs", "value",
                  f"ratio to pgbench 8 clients ({ceiling:,.0f} tx/s)",
                  "CPU µs a job: Worker / PostgreSQL / PostgREST"], rows, {1, 2, 3})
