"""Start N client threads together and time them from the common start to the last finish."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

# A client connects, calls start.wait(), then works until its own deadline.
Client = Callable[[int, threading.Barrier], T]


def _first_real_error(futures: list[Future[T]]) -> BaseException | None:
    errors = [f.exception() for f in futures if f.exception() is not None]
    real = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    return (real or errors or [None])[0]


def run_together(count: int, client: Client[T]) -> tuple[list[T], float]:
    """Results of `count` clients and the wall time in seconds after their common start."""
    start = threading.Barrier(count + 1)

    def guarded(index: int) -> T:
        try:
            return client(index, start)
        except BaseException:
            start.abort()  # release the others instead of leaving them waiting
            raise

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(guarded, i) for i in range(count)]
        try:
            start.wait()
        except threading.BrokenBarrierError:
            pass
        began = time.perf_counter()
        for future in futures:
            future.exception()  # wait for all
        elapsed = time.perf_counter() - began
    error = _first_real_error(futures)
    if error is not None:
        raise error
    return [f.result() for f in futures], elapsed
