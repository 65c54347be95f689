"""One claim of 100 jobs, explained and rolled back: what claiming costs right now.

Taken before and after a run, it shows whether claiming gets dearer once many
jobs have been claimed: their dead entries stay at the head of the claim
index, where every claim steps over them, until VACUUM removes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from .settings import QUEUE

PROBE = """
EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)
SELECT * FROM api.claim_jobs(queues => %s, worker => 'probe', max_jobs => 100)
"""


@dataclass(frozen=True)
class Probe:
    """One explained claim: jobs it got, buffers it touched, milliseconds it took."""

    jobs: int
    buffers: int
    ms: float

    def __str__(self) -> str:
        return f"{self.jobs} jobs claimed, {self.buffers:,} buffers, {self.ms:.2f} ms"


def probe_claim(dsn: str) -> Probe:
    with psycopg.connect(dsn) as conn:
        # The first call of a session compiles and plans everything: not what we look at.
        conn.execute(PROBE, ([QUEUE],))
        conn.rollback()
        explained = conn.execute(PROBE, ([QUEUE],)).fetchone()
        conn.rollback()
    assert explained is not None
    plan = explained[0][0]
    top = plan["Plan"]  # nested statements count in the top node's buffers
    return Probe(top["Actual Rows"], top["Shared Hit Blocks"] + top["Shared Read Blocks"],
                 plan["Execution Time"])
