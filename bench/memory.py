"""A Worker's memory over a long run: one Worker on the connection string
(concurrency 8, batch_size 100) drains JOBS prefilled no-op jobs while this
process's resident set size is read at every tenth of the way. The figure
is the last reading as a ratio to the first one taken after a warm-up
tenth: a Worker that keeps nothing per job stays near 1.00."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

from jobsapi.worker import Worker

from . import BenchError
from .prefill import prefill
from .report import table
from .settings import QUEUE
from .stack import BenchStack

JOBS = 1_000_000
STEPS = 10


def rss_mb() -> float:
    """This process's resident set size now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass(frozen=True)
class Reading:
    jobs: int
    rss_mb: float


def measure_memory(stack: BenchStack) -> list[Reading]:
    prefill(stack.dsn, JOBS)
    worker = Worker(stack.dsn, [QUEUE], lambda run: None, 8, batch_size=100,
                    poll_interval=0.05, maintenance_interval=0)
    thread = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False},
                              daemon=True)
    thread.start()
    readings = [Reading(0, rss_mb())]
    began = time.perf_counter()
    for step in range(1, STEPS + 1):
        target = JOBS * step // STEPS
        while worker.processed < target:
            if time.perf_counter() - began > 1800 or not thread.is_alive():
                worker.stop()
                raise BenchError(f"the worker handled {worker.processed} of {JOBS} jobs")
            time.sleep(0.05)
        readings.append(Reading(worker.processed, rss_mb()))
    worker.stop()
    thread.join(60)
    return readings


def memory_table(readings: list[Reading]) -> str:
    warm = readings[1]
    rows = [[f"{r.jobs:,}", f"{r.rss_mb:,.1f} MB", f"{r.rss_mb / warm.rss_mb:.2f}"]
            for r in readings]
    return table(["jobs handled", "resident set", "ratio to the reading after a tenth"],
                 rows, {0, 1, 2})
