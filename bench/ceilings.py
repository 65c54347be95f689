"""The ceilings: what PostgreSQL and PostgREST do on this machine with no jobs logic at all."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx

from .pgbench import pgbench_tps
from .prefill import reset
from .reference import PGBENCH_ONE_INSERT, POSTGREST_ONE_INSERT_RPC, POSTGREST_TRIVIAL_RPC
from .report import Rate
from .settings import CLIENTS, SECONDS
from .stack import BenchStack
from .threads import run_together
from .wrk import wrk_rps

ONE_INSERT_SQL = """INSERT INTO bench.scratch (payload) VALUES ('{"n": 1}');"""


@dataclass(frozen=True)
class Ceilings:
    pgbench_insert: Rate
    pgbench_insert_serial: Rate  # one client: the floor a lone worker's commits sit on
    rpc_trivial: Rate
    rpc_insert: Rate
    rpc_trivial_httpx: Rate  # what the Python workers' own HTTP client reaches

    def all(self) -> list[Rate]:
        return [self.pgbench_insert, self.pgbench_insert_serial, self.rpc_trivial,
                self.rpc_insert, self.rpc_trivial_httpx]


def _httpx_trivial_rps(stack: BenchStack) -> float:
    def client(_: int, start: threading.Barrier) -> int:
        with httpx.Client(base_url=stack.api_url, headers=stack.auth, timeout=30) as http:
            start.wait()
            deadline = time.perf_counter() + SECONDS
            sent = 0
            while time.perf_counter() < deadline:
                http.post("/rpc/bench_ping", json={}).raise_for_status()
                sent += 1
            return sent

    counts, elapsed = run_together(CLIENTS, client)
    return sum(counts) / elapsed


def measure_ceilings(stack: BenchStack) -> Ceilings:
    reset(stack.dsn)
    pgbench = pgbench_tps(stack, "ceiling_insert", ONE_INSERT_SQL)
    reset(stack.dsn)
    serial = pgbench_tps(stack, "ceiling_insert", ONE_INSERT_SQL, clients=1)
    reset(stack.dsn)
    return Ceilings(
        Rate(f"pgbench one-insert tx, {CLIENTS} clients", pgbench, "tx/s", PGBENCH_ONE_INSERT),
        Rate("pgbench one-insert tx, 1 client", serial, "tx/s"),
        Rate(f"trivial RPC, wrk {CLIENTS} conns",
             wrk_rps(stack, "ceiling_ping", "/rpc/bench_ping", {}), "req/s",
             POSTGREST_TRIVIAL_RPC),
        Rate(f"one-insert RPC, wrk {CLIENTS} conns",
             wrk_rps(stack, "ceiling_insert", "/rpc/bench_insert", {}), "req/s",
             POSTGREST_ONE_INSERT_RPC),
        Rate(f"trivial RPC, httpx {CLIENTS} threads", _httpx_trivial_rps(stack), "req/s"),
    )
