"""Handlers for workers started as processes (`jobsapi worker
tests.worker_handlers:FUNC`, run from the repository root), and the waiting
the tests share with them.

A process cannot see the test's threading.Event, so the handlers here are
steered by files named in the job's payload: `started` is written when the
handler begins, and `hold` waits until `release` exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jobsapi.worker import JobRun, PermanentFailure

T = TypeVar("T")

#: Longest any wait of the tests or of a held handler lasts.
TIMEOUT = 20.0


def wait_for(predicate: Callable[[], T], what: str, timeout: float = TIMEOUT,
             interval: float = 0.05) -> T:
    """Poll predicate until it answers something truthy and return that;
    AssertionError naming what was awaited after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def double(run: JobRun) -> dict[str, Any]:
    """Twice payload n, one success counted."""
    run.count(success=1)
    return {"doubled": run.payload["n"] * 2}


def hold(run: JobRun) -> dict[str, Any]:
    """Write payload.started (the attempt number), report progress, then wait
    for the file payload.release to exist before completing."""
    # Written whole, then renamed: a test never reads it half written.
    started = Path(run.payload["started"])
    partial = started.with_name(started.name + ".partial")
    partial.write_text(str(run.attempts))
    partial.replace(started)
    run.progress(10, "holding")
    release = Path(run.payload["release"])
    wait_for(release.exists, f"{release} to exist", timeout=60)
    return {"held": True, "attempt": run.attempts}


def explode(run: JobRun) -> None:
    """Fail every attempt."""
    raise RuntimeError(f"exploded on attempt {run.attempts}")


def refuse(run: JobRun) -> None:
    """Fail for good: no retry."""
    raise PermanentFailure("this job cannot succeed")
