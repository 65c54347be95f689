"""Published reference throughputs, for context only (measured on another machine of this kind).

The best PostgreSQL queue's figures sit next to its pgbench figure, so the
ratios between them are the targets that transfer to this machine.
"""

from __future__ import annotations

PGBENCH_ONE_INSERT = 19_800  # tx/s
POSTGREST_TRIVIAL_RPC = 4_600  # req/s
POSTGREST_ONE_INSERT_RPC = 2_900  # req/s
QUEUE_CLAIM_BATCHED = 36_000  # no-op jobs/s
QUEUE_CLAIM_ONE = 4_000  # no-op jobs/s, one per claim
QUEUE_ENQUEUE_BATCHED = 65_000  # jobs/s

# (what, value, unit)
REFERENCE: list[tuple[str, float, str]] = [
    ("best PostgreSQL queue: no-op jobs, batched claim", QUEUE_CLAIM_BATCHED, "jobs/s"),
    ("best PostgreSQL queue: no-op jobs, one per claim", QUEUE_CLAIM_ONE, "jobs/s"),
    ("best PostgreSQL queue: batched enqueue", QUEUE_ENQUEUE_BATCHED, "jobs/s"),
    ("PostgREST: trivial RPC", POSTGREST_TRIVIAL_RPC, "req/s"),
    ("PostgREST: one-insert RPC", POSTGREST_ONE_INSERT_RPC, "req/s"),
    ("pgbench: one-insert transactions", PGBENCH_ONE_INSERT, "tx/s"),
]


def target_ratio(queue_figure: float) -> float:
    """The reference ratio of a queue figure to its pgbench one-insert rate."""
    return queue_figure / PGBENCH_ONE_INSERT
