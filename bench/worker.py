"""The Python Worker end to end: submit→start latency and jobs per second.

Latency: jobs are submitted one at a time while a jobsapi.Worker on the
direct connection LISTENs (polling every 30 s, so only the notification
can wake it in time); the figure is the time from the submit call to the
first line of the handler, p50 and p95 over LATENCY_SAMPLES jobs. Its
floor, measured in the same run: a one-insert transaction that also
NOTIFYs, seen by a LISTENing connection.

Throughput: one Worker drains a prefilled queue of no-op jobs at
concurrency 1 and CLIENTS, over the direct connection (as a superuser, so
without row level security) and over HTTP (a worker token), claiming as
many jobs as it has free handlers or BATCH at a time; the ceilings are
pgbench one-insert transactions at 1 and CLIENTS clients.
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

import psycopg

from jobsapi import Client
from jobsapi.worker import JobRun, Worker

from . import BenchError
from .pgbench import pgbench_tps
from .prefill import prefill, reset
from .report import table
from .settings import CLIENTS, QUEUE, SECONDS
from .stack import BenchStack

LATENCY_SAMPLES = 200
LATENCY_QUEUE = "latency"
# Seconds an idle worker is watched for the claims it sends.
IDLE_SECONDS = 3.0
# Jobs prefilled per throughput run: more than SECONDS can drain here.
PREFILL = 30_000
BATCH = 100  # batch_size of the batched runs: claim many, complete many


@dataclass(frozen=True)
class Latency:
    name: str
    samples: list[float]  # seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True)
class Throughput:
    transport: str
    concurrency: int
    batch_size: int
    jobs_per_second: float
    ceiling: float
    ceiling_name: str


def _percentile_ms(latency: Latency, q: float) -> str:
    return f"{latency.pct(q) * 1000:.2f}"


def notify_floor(stack: BenchStack) -> Latency:
    """A bare one-insert transaction with NOTIFY, until a listener sees it."""
    seen = threading.Event()
    stop = threading.Event()
    arrived: list[float] = []

    def listen() -> None:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            conn.execute("LISTEN bench_floor")
            seen.set()
            while not stop.is_set():
                for _ in conn.notifies(timeout=0.2):
                    arrived.append(time.perf_counter())
                    seen.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    seen.wait(10)
    samples: list[float] = []
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        for _ in range(LATENCY_SAMPLES):
            seen.clear()
            began = time.perf_counter()
            with conn.transaction():
                conn.execute("INSERT INTO bench.scratch (payload) VALUES ('{\"n\": 1}')")
                conn.execute("NOTIFY bench_floor")
            if not seen.wait(5):
                raise BenchError("a NOTIFY was not delivered within 5 s")
            samples.append(arrived[-1] - began)
            time.sleep(0.005)
    stop.set()
    thread.join(5)
    return Latency("floor: insert + NOTIFY → listener", samples)


def submit_to_start(stack: BenchStack, over_http: bool, http_worker: bool = False) -> Latency:
    """Submit one job at a time; time until the worker's handler starts it:
    a worker on the connection string that LISTENs (polling every 30 s), or
    one over HTTP at its default poll interval (1 s), whose claim waits in
    the database for a job (a long poll). For the HTTP worker, the claims
    it sent per second while idle are counted too."""
    reset(stack.dsn)
    started: dict[int, float] = {}
    ran = threading.Event()

    def handler(run: JobRun) -> None:
        started[run.payload["n"]] = time.perf_counter()
        ran.set()

    if http_worker:
        worker = Worker(Client(stack.api_url, stack.token), [LATENCY_QUEUE], handler)
    else:
        worker = Worker(stack.dsn, [LATENCY_QUEUE], handler, poll_interval=30)
    claims = [0]
    claim = worker.backend.claim

    def counted(*args: Any, **kwargs: Any) -> Any:
        claims[0] += 1
        return claim(*args, **kwargs)

    worker.backend.claim = counted  # type: ignore[method-assign]
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False},
                              daemon=True)
    thread.start()
    samples: list[float] = []
    client = Client(stack.api_url, stack.token)
    try:
        with psycopg.connect(stack.dsn, autocommit=True) as conn:
            time.sleep(0.5)  # the worker is listening and idle
            idle_from, idle_claims = time.perf_counter(), claims[0]
            time.sleep(IDLE_SECONDS)
            idle_rate = (claims[0] - idle_claims) / (time.perf_counter() - idle_from)
            for n in range(LATENCY_SAMPLES):
                ran.clear()
                began = time.perf_counter()
                if over_http:
                    client.submit("noop", {"n": n}, queue=LATENCY_QUEUE)
                else:
                    conn.execute("INSERT INTO api.jobs (queue, name, payload) "
                                 "VALUES (%s, 'noop', jsonb_build_object('n', %s::int))",
                                 (LATENCY_QUEUE, n))
                if not ran.wait(10):
                    raise BenchError(f"job {n} did not start within 10 s")
                samples.append(started[n] - began)
                time.sleep(0.005)
    finally:
        worker.stop()
        thread.join(30)
        client.close()
    if http_worker:
        name = f"POST /jobs → HTTP worker (long poll; idle: {idle_rate:.1f} claims/s)"
    else:
        name = "POST /jobs → worker (LISTEN)" if over_http else "SQL insert → worker (LISTEN)"
    return Latency(name, samples)


def drain(stack: BenchStack, over_http: bool, concurrency: int, batch_size: int) -> float:
    """Jobs per second one Worker completes from a prefilled queue."""
    prefill(stack.dsn, PREFILL)
    source = Client(stack.api_url, stack.worker_token) if over_http else stack.dsn
    done, elapsed = run_worker(stack, source, concurrency, batch_size, PREFILL, SECONDS)
    if isinstance(source, Client):
        source.close()
    return done / elapsed


def run_worker(stack: BenchStack, source: Client | str, concurrency: int,
               batch_size: int | None,
               jobs: int, seconds: float) -> tuple[int, float]:
    """Run one no-op Worker on the prefilled queue until it has handled jobs
    or seconds passed; answer the jobs completed and the seconds taken."""
    worker = Worker(source, [QUEUE], lambda run: None, concurrency, poll_interval=0.05,
                    batch_size=batch_size, maintenance_interval=0)
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False},
                              daemon=True)
    began = time.perf_counter()
    thread.start()
    while worker.processed < jobs and time.perf_counter() - began < seconds:
        time.sleep(0.01)
    worker.stop()  # returns once what was handled is reported
    thread.join(60)
    elapsed = time.perf_counter() - began
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        done = conn.execute("SELECT count(*) FROM jobs.job WHERE status = 'completed'"
                            ).fetchone()[0]
    return done, elapsed


def measure_worker(stack: BenchStack) -> tuple[list[Latency], list[Throughput]]:
    latencies = [notify_floor(stack), submit_to_start(stack, over_http=False),
                 submit_to_start(stack, over_http=True),
                 submit_to_start(stack, over_http=True, http_worker=True)]
    reset(stack.dsn)
    one = pgbench_tps(stack, "ceiling_insert_1", "INSERT INTO bench.scratch (payload) "
                      "VALUES ('{\"n\": 1}');", clients=1)
    many = pgbench_tps(stack, "ceiling_insert_n", "INSERT INTO bench.scratch (payload) "
                       "VALUES ('{\"n\": 1}');")
    runs = []
    for over_http in (False, True):
        for concurrency in (1, CLIENTS):
            for batch_size in (concurrency, BATCH):
                rate = drain(stack, over_http, concurrency, batch_size)
                ceiling, name = (one, "pgbench 1 client") if concurrency == 1 else (
                    many, f"pgbench {CLIENTS} clients")
                runs.append(Throughput("HTTP" if over_http else "SQL", concurrency,
                                       batch_size, rate, ceiling, name))
    return latencies, runs


def latency_table(latencies: list[Latency]) -> str:
    floor = latencies[0]
    rows = [[lat.name, _percentile_ms(lat, 0.5), _percentile_ms(lat, 0.95),
             f"{statistics.median(lat.samples) / statistics.median(floor.samples):.2f}"]
            for lat in latencies]
    return table(["submit → handler starts", "p50 ms", "p95 ms", "p50 / floor p50"], rows,
                 {1, 2, 3})


def throughput_table(runs: list[Throughput]) -> str:
    rows = [[f"{r.transport}, concurrency {r.concurrency}, batch_size {r.batch_size}",
             f"{r.jobs_per_second:,.0f} jobs/s", f"{r.ceiling_name} ({r.ceiling:,.0f} tx/s)",
             f"{r.jobs_per_second / r.ceiling:.2f}"] for r in runs]
    return table(["no-op jobs drained", "value", "ceiling", "ratio"], rows, {1, 3})
