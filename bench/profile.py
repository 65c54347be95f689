"""Where the time goes.

Client side: the time each run spent in claim calls and in complete calls.
Server side: the self time of every function and trigger during a separate
1-worker SQL run, from pg_stat_user_functions with track_functions on for
that run's session only, so the figures themselves are not slowed by it.
Before and after that run, a probe claim shows whether claiming got dearer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg

from . import BenchError
from .claim import PREFILL, ClaimRun, run_workers
from .prefill import prefill
from .probe import Probe, probe_claim
from .report import table
from .stack import BenchStack

FUNCTION_TIMES = """
SELECT schemaname || '.' || funcname, calls, self_time
FROM pg_stat_user_functions
WHERE calls > 0
"""

def split_table(runs: list[ClaimRun]) -> str:
    rows = [[run.label,
             f"{run.claim_s / (run.claim_s + run.complete_s):.0%}",
             f"{1000 * run.claim_s / run.claims:.2f}",
             f"{1000 * run.complete_s / max(run.completes, 1):.2f}"] for run in runs]
    return table(["run", "claim share", "ms/claim", "ms/complete"], rows, {1, 2, 3})


@dataclass(frozen=True)
class Profile:
    run: ClaimRun
    calls: dict[str, int]
    self_ms: dict[str, float]
    probes: tuple[Probe, Probe]  # before and after the run

    @property
    def wall_ms(self) -> float:
        """Time the worker spent inside claim and complete calls."""
        return 1000 * (self.run.claim_s + self.run.complete_s)

    @property
    def outside_ms(self) -> float:
        return self.wall_ms - sum(self.self_ms.values())

    def share(self, name: str) -> float:
        return self.self_ms.get(name, 0.0) / self.wall_ms

    def cells(self, name: str) -> list[str]:
        """calls per job, µs per job and share of the call time."""
        if name not in self.calls:
            return ["", "", ""]
        return [f"{self.calls[name] / self.run.jobs:.2f}",
                f"{1000 * self.self_ms[name] / self.run.jobs:.1f}", f"{self.share(name):.0%}"]

    def outside_cells(self) -> list[str]:
        return ["", f"{1000 * self.outside_ms / self.run.jobs:.1f}",
                f"{self.outside_ms / self.wall_ms:.0%}"]

    def total_cells(self) -> list[str]:
        return ["", f"{1000 * self.wall_ms / self.run.jobs:.1f}", "100%"]


def _function_times(dsn: str, claims: int, timeout: float = 10) -> list[tuple[str, int, float]]:
    """Wait until the worker's statistics reach the shared counters, then read them."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as conn:
        while True:
            rows = conn.execute(FUNCTION_TIMES).fetchall()
            seen = sum(calls for name, calls, _ in rows if name == "api.claim_jobs")
            if seen >= claims:
                return rows
            if time.monotonic() > deadline:
                raise BenchError(f"function statistics show {seen} of {claims} claims")
            time.sleep(0.2)


def profile_sql(stack: BenchStack, batch: int) -> Profile:
    prefill(stack.dsn, PREFILL[batch])
    before = probe_claim(stack.dsn)
    with psycopg.connect(stack.dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_reset()")
    run = run_workers(stack, "SQL", workers=1, batch=batch, track_functions=True)
    rows = _function_times(stack.dsn, run.claims)
    return Profile(run, {n: c for n, c, _ in rows}, {n: ms for n, _, ms in rows},
                   (before, probe_claim(stack.dsn)))


def functions_table(profiles: list[Profile]) -> str:
    """Self time of each function and trigger per completed job, one column group per run."""
    names = sorted({n for p in profiles for n in p.calls},
                   key=lambda n: -max(p.share(n) for p in profiles))
    header = ["function or trigger (self time)"]
    for p in profiles:
        header += [f"b={p.run.batch}: calls/job", "µs/job", "share"]
    rows = [[name, *[c for p in profiles for c in p.cells(name)]] for name in names]
    rows.append(["outside them: commit, parse, network, client",
                 *[c for p in profiles for c in p.outside_cells()]])
    rows.append(["claim + complete as the client sees it",
                 *[c for p in profiles for c in p.total_cells()]])
    return table(header, rows, set(range(1, len(header))))


def probes_table(profiles: list[Profile]) -> str:
    rows = [[p.run.label, f"{p.run.jobs:,}", str(p.probes[0]), str(p.probes[1])]
            for p in profiles]
    return table(["run", "jobs done", "claim of 100 before the run",
                  "claim of 100 after the run"], rows, {1})
