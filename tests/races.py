"""Races scripted step by step on separate connections. A step that must
wait for another connection's lock runs in a thread; the test takes its
next step once PostgreSQL reports the wait (pg_blocking_pids), never after
a sleep, so the interleaving is the one written whatever the machine's
load. The connections set lock_timeout, so a wait that never ends fails
the test instead of hanging it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import psycopg

from worker_handlers import wait_for

T = TypeVar("T")


def waits_for(observer: psycopg.Connection, waiting: psycopg.Connection,
              holder: psycopg.Connection) -> bool:
    """Whether waiting's backend is blocked by a lock holder's backend holds."""
    row = observer.execute("SELECT %s = ANY(pg_blocking_pids(%s))",
                           (holder.info.backend_pid, waiting.info.backend_pid)).fetchone()
    return bool(row and row[0])


def start_waiting(observer: psycopg.Connection, step: Callable[[], T],
                  waiting: Callable[[], bool], what: str) -> Future[T]:
    """Run step in a thread and return once waiting() says the database
    shows it waiting (on a lock, in a sleep); its outcome is the future's."""
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(step)
    pool.shutdown(wait=False)
    wait_for(lambda: future.done() or waiting(), what)
    if future.done():
        future.result()  # raises what the step raised
        raise AssertionError(f"the step ended instead of {what}")
    return future


def start_blocked(observer: psycopg.Connection, waiting: psycopg.Connection,
                  holder: psycopg.Connection, step: Callable[[], T]) -> Future[T]:
    """Run step (on waiting) in a thread and return once it waits for holder's
    lock; its outcome is the future's."""
    waiting.execute("SET lock_timeout = '10s'")
    return start_waiting(observer, step, lambda: waits_for(observer, waiting, holder),
                         "waiting for the other connection's lock")


def sleeping(observer: psycopg.Connection, conn: psycopg.Connection) -> bool:
    """Whether conn's backend sleeps now (pg_sleep, as a long-poll claim does)."""
    row = observer.execute("SELECT wait_event FROM pg_stat_activity WHERE pid = %s",
                           (conn.info.backend_pid,)).fetchone()
    return row == ("PgSleep",)


def outcome(future: Future[T]) -> T | str:
    """The step's result, or the SQLSTATE of the error it ended with."""
    try:
        return future.result(timeout=30)
    except psycopg.Error as exc:
        return exc.sqlstate or "?"


def gone(observer: psycopg.Connection, conn: psycopg.Connection) -> bool:
    """Whether conn's backend has ended."""
    row = observer.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                           (conn.info.backend_pid,)).fetchone()
    return row == (0,)
