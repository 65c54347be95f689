"""Claim→complete throughput of no-op jobs, over SQL and over HTTP.

Each worker thread has its own connection and loops: claim up to `batch`
jobs of the bench queue, complete them (complete_job for one,
complete_jobs for a batch). A run ends when the prefilled queue is empty or
after SECONDS, whichever comes first.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx
import psycopg
from psycopg.types.json import Jsonb

from .ceilings import Ceilings
from .prefill import prefill
from .reference import QUEUE_CLAIM_BATCHED, QUEUE_CLAIM_ONE, target_ratio
from .report import Figure, Rate
from .settings import QUEUE, SECONDS
from .stack import BenchStack
from .threads import run_together

Transport = Literal["SQL", "HTTP"]

# Jobs prefilled per run: enough for SECONDS at several times the rate seen here.
PREFILL = {1: 30_000, 100: 150_000}


class WorkerClient(Protocol):
    def claim(self) -> list[int]: ...

    def complete(self, ids: list[int]) -> None: ...

    def close(self) -> None: ...


class SqlWorker:
    function = "api.claim_jobs"  # what a claim calls

    def __init__(self, dsn: str, name: str, batch: int, track_functions: bool = False) -> None:
        self.name, self.batch = name, batch
        self.conn = psycopg.connect(dsn, autocommit=True)
        # Act as PostgREST does for a worker token, so row level security
        # is part of what is measured.
        self.conn.execute("SET ROLE jobs_worker")
        self.conn.execute("SELECT set_config('request.jwt.claims', %s, false)",
                          (json.dumps({"role": "jobs_worker", "sub": name, "queues": [QUEUE]}),))
        if track_functions:
            self.conn.execute("SET track_functions = 'all'")

    def claim(self) -> list[int]:
        rows = self.conn.execute(
            f"SELECT id FROM {self.function}(queues => %s, worker => %s, max_jobs => %s)",
            ([QUEUE], self.name, self.batch)).fetchall()
        return [row[0] for row in rows]

    def complete(self, ids: list[int]) -> None:
        if self.batch == 1:
            self.conn.execute("SELECT FROM api.complete_job(job_id => %s, worker => %s)",
                              (ids[0], self.name))
        else:
            self.conn.execute("SELECT FROM api.complete_jobs(results => %s, worker => %s)",
                              (Jsonb([{"job_id": i} for i in ids]), self.name))

    def close(self) -> None:
        self.conn.close()


class HttpWorker:
    def __init__(self, stack: BenchStack, name: str, batch: int) -> None:
        self.name, self.batch = name, batch
        self.http = httpx.Client(base_url=stack.api_url, timeout=30,
                                 headers={"Authorization": f"Bearer {stack.worker_token}"})

    def _rpc(self, function: str, args: dict[str, object]) -> httpx.Response:
        response = self.http.post(f"/rpc/{function}", json=args)
        response.raise_for_status()
        return response

    def claim(self) -> list[int]:
        jobs = self._rpc("claim_jobs", {"queues": [QUEUE], "worker": self.name,
                                        "max_jobs": self.batch}).json()
        return [job["id"] for job in jobs]

    def complete(self, ids: list[int]) -> None:
        if self.batch == 1:
            self._rpc("complete_job", {"job_id": ids[0], "worker": self.name})
        else:
            self._rpc("complete_jobs", {"results": [{"job_id": i} for i in ids],
                                        "worker": self.name})

    def close(self) -> None:
        self.http.close()


@dataclass
class Tally:
    """What one worker did, and the client-side time spent in each call."""

    jobs: int = 0
    claims: int = 0
    completes: int = 0
    claim_s: float = 0.0
    complete_s: float = 0.0


@dataclass(frozen=True)
class ClaimRun:
    transport: Transport
    workers: int
    batch: int
    jobs: int
    claims: int
    completes: int
    elapsed_s: float
    claim_s: float  # summed over workers
    complete_s: float

    @property
    def rate(self) -> float:
        return self.jobs / self.elapsed_s

    @property
    def label(self) -> str:
        return (f"claim→complete {self.transport}, {self.workers} worker"
                f"{'s' if self.workers > 1 else ''}, batch {self.batch}")


def _drain(worker: WorkerClient, start: threading.Barrier) -> Tally:
    tally = Tally()
    try:
        start.wait()
        deadline = time.perf_counter() + SECONDS
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            ids = worker.claim()
            claimed = time.perf_counter()
            tally.claim_s += claimed - began
            tally.claims += 1
            if not ids:
                break
            worker.complete(ids)
            tally.complete_s += time.perf_counter() - claimed
            tally.completes += 1
            tally.jobs += len(ids)
    finally:
        worker.close()
    return tally


def run_workers(stack: BenchStack, transport: Transport, workers: int, batch: int,
                track_functions: bool = False,
                worker_class: type[SqlWorker] = SqlWorker,
                http_class: type[HttpWorker] = HttpWorker) -> ClaimRun:
    """Drain the queue as it is with `workers` concurrent workers."""

    def client(index: int, start: threading.Barrier) -> Tally:
        name = f"w{index}"
        worker: WorkerClient = (worker_class(stack.dsn, name, batch, track_functions)
                                if transport == "SQL" else http_class(stack, name, batch))
        return _drain(worker, start)

    tallies, elapsed = run_together(workers, client)
    return ClaimRun(transport, workers, batch,
                    jobs=sum(t.jobs for t in tallies), claims=sum(t.claims for t in tallies),
                    completes=sum(t.completes for t in tallies),
                    elapsed_s=elapsed, claim_s=sum(t.claim_s for t in tallies),
                    complete_s=sum(t.complete_s for t in tallies))


def run_claims(stack: BenchStack, transport: Transport, workers: int, batch: int) -> ClaimRun:
    """One run over a freshly prefilled queue."""
    prefill(stack.dsn, PREFILL[batch])
    return run_workers(stack, transport, workers, batch)


def claim_figure(run: ClaimRun, ceilings: Ceilings) -> Figure:
    """SQL runs against pgbench, HTTP runs against the trivial RPC (wrk, then httpx)."""
    rate = Rate(run.label, run.rate, "jobs/s")
    if run.transport == "HTTP":
        return Figure(rate, [ceilings.rpc_trivial, ceilings.rpc_trivial_httpx])
    if run.workers == 1:
        return Figure(rate, [ceilings.pgbench_insert, ceilings.pgbench_insert_serial])
    # The reference figures do not say how many workers ran; their ratios fit the concurrent runs.
    target = QUEUE_CLAIM_ONE if run.batch == 1 else QUEUE_CLAIM_BATCHED
    return Figure(rate, [ceilings.pgbench_insert], target_ratio(target))
