"""How a Worker talks to jobsapi: over HTTP (a Client) or straight to
PostgreSQL (a connection string). Both call the same database functions
(claim_jobs, heartbeat_jobs, complete_jobs, fail_jobs, stop_worker,
run_maintenance); only the database connection can LISTEN for new jobs
instead of polling, and set a timer for the next scheduled one (next_due).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb, set_json_loads

from .client import Client
from .errors import NotFound, Unavailable, Undecodable, from_psycopg
from .models import Heartbeat, Job

log = logging.getLogger("jobsapi.worker")

# The channels the database notifies (sql/20_internals/notify.sql):
# a queue's name when jobs become due there, a job's id when a cancel of the
# running job is asked.
QUEUED = "jobs_queued"
CANCELLING = "jobs_cancelling"


class Backend(Protocol):
    """What a Worker needs from the API."""

    can_listen: bool

    def claim(self, queues: Sequence[str] | None, worker: str, max_jobs: int,
              lease_seconds: int, wait_seconds: float = 0) -> list[Job]:
        """Claim up to max_jobs due jobs under a lease (claim_jobs); with
        wait_seconds, wait in the database that long for one (a long poll)."""

    def heartbeat_many(self, beats: list[dict[str, Any]], worker: str,
                       lease_seconds: int) -> list[Heartbeat]:
        """Extend the leases of many jobs (heartbeat_jobs); the missing are lost."""

    def complete_many(self, results: list[dict[str, Any]], worker: str) -> list[int]:
        """Report jobs done (complete_jobs); the ids of those that ended. Only
        the ids travel back: the worker has no use for the rows."""

    def fail_many(self, failures: list[dict[str, Any]], worker: str) -> list[int]:
        """Report failed attempts (fail_jobs); the ids of those reported."""

    def stop_worker(self, worker: str) -> None:
        """Mark the worker stopped (stop_worker)."""

    def maintain(self, min_interval_seconds: int) -> dict[str, Any]:
        """Run maintenance unless pg_cron does or it ran within the interval."""

    def held_job_ids(self, worker: str) -> list[int]:
        """The ids of the jobs the worker holds (running or cancelling)."""

    def get_job(self, job_id: int) -> Job:
        """One job; Undecodable when its JSON cannot be read here."""

    def next_due(self, queues: Sequence[str] | None) -> float | None:
        """Seconds until the next scheduled job is due; None: poll as usual."""

    def listen(self, on_note: Callable[[str, str], None], stop: threading.Event) -> None:
        """Call on_note(channel, payload) for each notification until stop is set."""

    def close(self) -> None:
        """Close the connections."""


class HttpBackend:
    """The worker routes through a Client; polls for new jobs."""

    can_listen = False

    def __init__(self, client: Client) -> None:
        self.client = client

    def claim(self, queues: Sequence[str] | None, worker: str, max_jobs: int,
              lease_seconds: int, wait_seconds: float = 0) -> list[Job]:
        return self.client.claim(queues, worker=worker, max_jobs=max_jobs,
                                 lease_seconds=lease_seconds,
                                 wait_seconds=wait_seconds or None)

    def heartbeat_many(self, beats: list[dict[str, Any]], worker: str,
                       lease_seconds: int) -> list[Heartbeat]:
        return self.client.heartbeat_many(beats, worker=worker, lease_seconds=lease_seconds)

    def complete_many(self, results: list[dict[str, Any]], worker: str) -> list[int]:
        return self.client._report_ids("complete_jobs", {"results": results, "worker": worker})

    def fail_many(self, failures: list[dict[str, Any]], worker: str) -> list[int]:
        return self.client._report_ids("fail_jobs", {"failures": failures, "worker": worker})

    def stop_worker(self, worker: str) -> None:
        self.client.stop_worker(worker)

    def maintain(self, min_interval_seconds: int) -> dict[str, Any]:
        return self.client.maintain(min_interval_seconds=min_interval_seconds,
                                    unless_pg_cron=True)

    def held_job_ids(self, worker: str) -> list[int]:
        rows = self.client._select("jobs", {"worker": f"eq.{worker}",
                                            "status": "in.(running,cancelling)"},
                                   "id.asc", None, None, select="id")
        return [row["id"] for row in rows]

    def get_job(self, job_id: int) -> Job:
        return self.client.get(job_id)

    def next_due(self, queues: Sequence[str] | None) -> float | None:
        # An HTTP worker finds due jobs at its next poll: no extra request.
        return None

    def listen(self, on_note: Callable[[str, str], None], stop: threading.Event) -> None:
        raise NotImplementedError("an HTTP worker polls")

    def close(self) -> None:
        pass


class SqlBackend:
    """The same functions over psycopg: one connection per thread, autocommit.

    The connection's role must be allowed to claim: a member of jobs_admin
    (or a superuser). Errors become the exceptions of jobsapi.errors.
    """

    can_listen = True

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._local = threading.local()
        self._all: list[psycopg.Connection[Any]] = []
        self._lock = threading.Lock()

    def _conn(self) -> psycopg.Connection[Any]:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            try:
                conn = psycopg.connect(self.dsn, autocommit=True, row_factory=dict_row)
            except psycopg.OperationalError as exc:
                raise Unavailable(f"cannot connect to the database: {exc}") from exc
            set_json_loads(_json_loads, conn)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _rows(self, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        conn = self._conn()
        try:
            return conn.execute(query, params).fetchall()
        except RecursionError as exc:
            # A value nested deeper than Python's JSON decoder goes.
            raise Undecodable(f"an answer of the database cannot be decoded: {exc}") from None
        except psycopg.Error as exc:
            if conn.closed or conn.broken:
                # Lost (a restart, a network cut): the next call reconnects.
                conn.close()
                self._local.conn = None
                raise Unavailable(f"lost the database connection: {exc}") from exc
            raise from_psycopg(exc) from None

    def claim(self, queues: Sequence[str] | None, worker: str, max_jobs: int,
              lease_seconds: int, wait_seconds: float = 0) -> list[Job]:
        rows = self._rows("SELECT * FROM api.claim_jobs(%s::text[], %s, %s, %s, %s::numeric)",
                          (list(queues) if queues is not None else None, worker, max_jobs,
                           lease_seconds, wait_seconds))
        return [Job.from_row(r) for r in rows]

    def heartbeat_many(self, beats: list[dict[str, Any]], worker: str,
                       lease_seconds: int) -> list[Heartbeat]:
        rows = self._rows("SELECT * FROM api.heartbeat_jobs(%s, %s, %s)",
                          (Jsonb(beats, dumps=_dumps), worker, lease_seconds))
        return [Heartbeat.from_row(r) for r in rows]

    def complete_many(self, results: list[dict[str, Any]], worker: str) -> list[int]:
        rows = self._rows("SELECT id FROM api.complete_jobs(%s, %s)",
                          (Jsonb(results, dumps=_dumps), worker))
        return [r["id"] for r in rows]

    def fail_many(self, failures: list[dict[str, Any]], worker: str) -> list[int]:
        rows = self._rows("SELECT id FROM api.fail_jobs(%s, %s)",
                          (Jsonb(failures, dumps=_dumps), worker))
        return [r["id"] for r in rows]

    def stop_worker(self, worker: str) -> None:
        self._rows("SELECT * FROM api.stop_worker(%s)", (worker,))

    def maintain(self, min_interval_seconds: int) -> dict[str, Any]:
        [row] = self._rows("SELECT api.run_maintenance(%s, TRUE) AS result",
                           (min_interval_seconds,))
        result: dict[str, Any] = row["result"]
        return result

    def held_job_ids(self, worker: str) -> list[int]:
        rows = self._rows("SELECT id FROM api.jobs WHERE worker = %s"
                          " AND status IN ('running', 'cancelling') ORDER BY id", (worker,))
        return [row["id"] for row in rows]

    def get_job(self, job_id: int) -> Job:
        rows = self._rows("SELECT * FROM api.jobs WHERE id = %s", (job_id,))
        if not rows:
            raise NotFound(f"job {job_id} not found", status=404)
        return Job.from_row(rows[0])

    def next_due(self, queues: Sequence[str] | None) -> float | None:
        [row] = self._rows("SELECT api.next_due(%s::text[]) AS due",
                           (list(queues) if queues is not None else None,))
        return row["due"]

    def listen(self, on_note: Callable[[str, str], None], stop: threading.Event) -> None:
        """LISTEN until stop is set, calling on_note(channel, payload) per
        notification. A lost connection is opened again; meanwhile the
        worker's polling and heartbeats keep it going.
        """
        while not stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {QUEUED}")
                    conn.execute(f"LISTEN {CANCELLING}")
                    # Anything queued while not listening is found by a claim,
                    # a cancel asked meanwhile by a heartbeat of every job held.
                    on_note(QUEUED, "")
                    on_note(CANCELLING, "")
                    while not stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            on_note(note.channel, note.payload)
            except psycopg.Error as exc:
                log.warning("LISTEN connection lost (%s); reconnecting", exc)
                stop.wait(1.0)

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()


# Most JSON columns of a claimed job are empty (meta, errors,
# finished_items): made without the decoder, which a worker of short jobs
# feels.
_EMPTY_JSON: dict[Any, Callable[[], Any]] = {b"{}": dict, b"[]": list}


def _json_loads(data: bytes | str) -> Any:
    """json.loads, the empty object and array made directly."""
    make = _EMPTY_JSON.get(data)
    return make() if make is not None else json.loads(data)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str)


def backend_for(source: Client | str | Backend) -> Backend:
    """A Client means HTTP, a string a PostgreSQL connection string."""
    if isinstance(source, Client):
        return HttpBackend(source)
    if isinstance(source, str):
        return SqlBackend(source)
    if hasattr(source, "claim"):
        return source
    raise TypeError(f"a Worker needs a Client or a connection string, not {source!r}")
