"""jobsapi.Client: the routes of the HTTP API as Python methods.

Built on the `postgrest` package. Every method is one request (iterating
pages is one per page); every rule is the database's, and a refusal comes
back as the exception of jobsapi.errors with the server's message.

    client = Client("http://127.0.0.1:3000", token)
    job = client.submit("resize", {"image": 42}, queue="images")
    done = client.wait(job.id, timeout=60)
"""

from __future__ import annotations

import builtins
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import httpx
from postgrest import APIError, SyncPostgrestClient

from .errors import JobsApiError, JobTimeout, NotFound, Unavailable, Undecodable, make_error
from .models import (
    Cleanup,
    EtlRunRow,
    Event,
    Heartbeat,
    Job,
    Lock,
    Maintenance,
    Pruned,
    Queue,
    QueuePage,
    Schedule,
    Stats,
    WorkerInfo,
    parse_time,
)

if TYPE_CHECKING:
    from .etl import EtlRun

DEFAULT_URL = "http://127.0.0.1:3000"

log = logging.getLogger(__name__)

# Job fields a submit may set (the rest are the database's to fill in).
SUBMIT_FIELDS = ("queue", "type", "priority", "payload", "meta", "run_at", "expires_at",
                 "max_attempts", "locks", "after_job_id", "owner", "message")


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v)
            for k, v in values.items() if v is not None}


class Client:
    """A client for one jobsapi server.

    url defaults to JOBSAPI_URL (else http://127.0.0.1:3000), token to
    JOBSAPI_TOKEN; without a token requests go as the anonymous role.
    """

    def __init__(self, url: str | None = None, token: str | None = None, *,
                 timeout: float = 30.0) -> None:
        self.url = (url or os.environ.get("JOBSAPI_URL") or DEFAULT_URL).rstrip("/")
        token = token if token is not None else os.environ.get("JOBSAPI_TOKEN")
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # The postgrest package drops the HTTP status of an error; a response
        # hook keeps it per thread so the right exception can be raised.
        self._last = threading.local()
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout,
                                  event_hooks={"response": [self._remember]})
        # No retries inside the postgrest package: one call is one request,
        # and wait() keeps to its timeout.
        self._rest = SyncPostgrestClient(self.url, schema="api", headers=headers,
                                         http_client=self._http, retry_enabled=False)

    # -- plumbing -----------------------------------------------------------

    def _remember(self, response: httpx.Response) -> None:
        self._last.status = response.status_code

    def _execute(self, request: Any) -> Any:
        self._last.status = None
        try:
            return request.execute().data
        except APIError as exc:
            status = getattr(self._last, "status", None)
            if status == 400 and not exc.code and not exc.message:
                # PostgREST 12.0.2's answer when its database connection
                # dies mid-request (a PostgreSQL restart): nothing was
                # refused, and the request may be sent again.
                raise Unavailable(f"{self.url} lost its database connection") from None
            raise make_error(exc.message, status=status, code=exc.code, details=exc.details,
                             hint=exc.hint) from None
        except httpx.TransportError as exc:
            raise Unavailable(f"cannot reach {self.url}: {exc}") from exc
        except (RecursionError, json.JSONDecodeError) as exc:
            # A value nested deeper than Python's decoder goes.
            raise Undecodable(f"the answer of {self.url} cannot be decoded: {exc}") from None

    def _rpc(self, name: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._execute(self._rest.rpc(name, dict(params or {})))

    def _report_ids(self, name: str, params: Mapping[str, Any]) -> builtins.list[int]:
        """Call a worker's report function (complete_jobs, fail_jobs) and read
        back only the ids of the jobs it ended, not their rows (the Worker)."""
        rows = self._execute(self._rest.rpc(name, _drop_none(dict(params))).select("id"))
        return [row["id"] for row in rows]

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- jobs ---------------------------------------------------------------

    def submit(self, name: str, payload: Any = None, **fields: Any) -> Job:
        """Submit one job and return it as stored.

        fields: queue, type, priority (1-4), meta, run_at (a future time makes
        it scheduled), expires_at, max_attempts, locks, after_job_id (run
        after that job completes), owner (admins only), message.
        """
        return self.submit_many([{"name": name, "payload": payload, **fields}])[0]

    def submit_many(self, jobs: Iterable[Mapping[str, Any]]) -> list[Job]:
        """Submit many jobs in one request and one transaction: all or none."""
        body = [_drop_none(j) for j in jobs]
        if not body:
            return []
        unknown = {k for j in body for k in j} - {"name", *SUBMIT_FIELDS}
        if unknown:
            raise TypeError(f"submit got unexpected fields: {', '.join(sorted(unknown))}")
        rows = self._execute(self._rest.from_("jobs").insert(body, default_to_null=False))
        return [Job.from_row(r) for r in rows]

    def get(self, job_id: int) -> Job:
        """One job; NotFound when it does not exist or the caller may not see it."""
        rows = self._execute(self._rest.from_("jobs").select("*").eq("id", job_id))
        if not rows:
            raise NotFound(f"job {job_id} not found", status=404)
        return Job.from_row(rows[0])

    def _select(self, view: str, filters: Mapping[str, Any], order: str | None,
                limit: int | None, offset: int | None, select: str = "*") -> Any:
        query = self._rest.from_(view).select(select)
        for column, value in filters.items():
            if value is None:
                continue
            if isinstance(value, str) and "." in value and value.split(".", 1)[0] in _OPERATORS:
                operator, criteria = value.split(".", 1)
                query = query.filter(column, operator, criteria)
            elif isinstance(value, (list, tuple, set, frozenset)):
                query = query.in_(column, list(value))
            else:
                query = query.eq(column, value)
        for term in (order or "").split(","):
            if term:
                column, _, rest = term.partition(".")
                query = query.order(column, desc=rest.startswith("desc"),
                                    nullsfirst=("nullsfirst" in rest) or
                                    (False if "nullslast" in rest else None))
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        return self._execute(query)

    # Below this method `list` is the method: annotations say builtins.list.
    def list(self, *, order: str = "id.desc", limit: int | None = 100, offset: int = 0,
             **filters: Any) -> list[Job]:
        """Jobs matching the filters, one page.

        Each filter is a column of GET /jobs: a plain value means equal, a
        list means one of, and a string in PostgREST's syntax is passed as
        is: list(status="failed"), list(status=["queued", "running"]),
        list(created_at="gte.2026-11-01"). order is PostgREST's
        ("priority.desc,id.asc").
        """
        rows = self._select("jobs", filters, order, limit, offset)
        return [Job.from_row(r) for r in rows]

    def iter_jobs(self, *, page_size: int = 500, descending: bool = False,
                  **filters: Any) -> Iterator[Job]:
        """Every job matching the filters, fetched a page at a time in id order.

        Pages follow the id (keyset), so jobs submitted or deleted meanwhile
        neither repeat nor shift a page.
        """
        last: int | None = None
        while True:
            page_filters = dict(filters)
            if last is not None:
                page_filters["id"] = f"{'lt' if descending else 'gt'}.{last}"
            page = self.list(order="id.desc" if descending else "id.asc", limit=page_size,
                             **page_filters)
            yield from page
            if len(page) < page_size:
                return
            last = page[-1].id

    def update(self, job_id: int, **fields: Any) -> Job:
        """Change fields of a job (PATCH); None sets a field to null. The
        database decides which fields may change."""
        if not fields:
            return self.get(job_id)
        body = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in fields.items()}
        rows = self._execute(self._rest.from_("jobs").update(body).eq("id", job_id))
        if not rows:
            raise NotFound(f"job {job_id} not found", status=404)
        return Job.from_row(rows[0])

    def cancel(self, job_id: int) -> Job:
        """Cancel a job: waiting jobs at once, a running one at its next report."""
        return Job.from_row(self._rpc("cancel_job", {"job_id": job_id}))

    def delete(self, job_id: int) -> Job:
        """Delete a finished job with its events, files and locks; returns it."""
        rows = self._execute(self._rest.from_("jobs").delete().eq("id", job_id))
        if not rows:
            raise NotFound(f"job {job_id} not found", status=404)
        return Job.from_row(rows[0])

    def retry(self, job_id: int) -> Job:
        """Submit a retry of a failed job (or a completed one with errors)."""
        return Job.from_row(self._rpc("retry_job", {"job_id": job_id}))

    def retry_failed_retries(self, job_id: int) -> builtins.list[Job]:
        """Retry every failed, not yet retried retry in the chain of job_id."""
        return [Job.from_row(r) for r in self._rpc("retry_failed_retries", {"job_id": job_id})]

    def events(self, job_id: int) -> builtins.list[Event]:
        """The status transitions of a job, oldest first."""
        rows = self._select("job_events", {"job_id": job_id}, "id.asc", None, None)
        return [Event.from_row(r) for r in rows]

    def wait(self, job_id: int, timeout: float | None = None, *,
             on_progress: Callable[[Job], None] | None = None,
             poll_interval: float = 0.5) -> Job:
        """Wait until the job finishes and return it.

        on_progress(job) is called whenever its status, progress or message
        changes. JobTimeout after timeout seconds (None waits for ever).
        Polls, starting fast and slowing to poll_interval.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        seen: tuple[Any, ...] | None = None
        delay = 0.01
        while True:
            job = self.get(job_id)
            state = (job.status, job.progress, job.message)
            if on_progress and state != seen:
                on_progress(job)
            seen = state
            if job.finished:
                return job
            if deadline is not None and time.monotonic() >= deadline:
                raise JobTimeout(f"job {job_id} is still {job.status} after {timeout}s")
            pause = delay if deadline is None else min(delay, max(0.0, deadline - time.monotonic()))
            time.sleep(pause)
            delay = min(delay * 2, poll_interval)

    # -- queues and monitoring ----------------------------------------------

    def queues(self) -> builtins.list[Queue]:
        """Every queue with its settings and its jobs per status."""
        return [Queue.from_row(r) for r in self._select("queues", {}, "name.asc", None, None)]

    def queue(self, name: str) -> Queue:
        """One queue; NotFound when no job or setting names it."""
        rows = self._select("queues", {"name": f"eq.{name}"}, None, None, None)
        if not rows:
            raise NotFound(f"queue {name!r} not found", status=404)
        return Queue.from_row(rows[0])

    def configure_queue(self, name: str, **settings: Any) -> Queue:
        """Create a queue with these settings, or change them if it exists.

        settings: paused, max_attempts, backoff_seconds, max_backoff_seconds,
        keep_completed, keep_failed, max_payload_bytes.
        """
        body = _drop_none(settings)
        if body:
            if self._execute(self._rest.from_("queues").update(body).eq("name", name)):
                # Read back: the counts reflect the change (a pause, say).
                return self.queue(name)
            return self._create_queue(name, body)
        try:
            return self.queue(name)
        except NotFound:
            return self._create_queue(name, {})

    def _create_queue(self, name: str, settings: dict[str, Any]) -> Queue:
        self._execute(self._rest.from_("queues").insert({"name": name, **settings}))
        return self.queue(name)

    def _set_paused(self, name: str, paused: bool) -> Queue:
        rows = self._execute(self._rest.from_("queues").update({"paused": paused})
                             .eq("name", name))
        if not rows:
            raise NotFound(f"queue {name!r} not found", status=404)
        return self.queue(name)

    def pause(self, queue: str) -> Queue:
        """Stop handing out jobs of a queue (running ones go on)."""
        return self._set_paused(queue, True)

    def resume(self, queue: str) -> Queue:
        """Hand out jobs of a paused queue again."""
        return self._set_paused(queue, False)

    def queue_jobs(self, queue: str, status: str = "failed", page: int = 1,
                   page_size: int = 10) -> QueuePage:
        """A queue and one page of its jobs of one status, newest first."""
        return QueuePage.from_row(self._rpc("queue_jobs", {
            "queue": queue, "status": status, "page": page, "page_size": page_size}))

    def stats(self) -> Stats:
        """Jobs per status and workers, as the caller may see them."""
        return Stats.from_row(self._select("job_stats", {}, None, None, None)[0])

    def workers(self, **filters: Any) -> builtins.list[WorkerInfo]:
        """The workers the database has seen (filters as in list())."""
        rows = self._select("workers", filters, "name.asc", None, None)
        return [WorkerInfo.from_row(r) for r in rows]

    def report(self, view: str, *, order: str | None = None, limit: int | None = None,
               **filters: Any) -> builtins.list[dict[str, Any]]:
        """Rows of a reporting view: daily_job_stats, minute_job_stats,
        duration_percentiles, latest_runs, long_running_jobs, queue_depth
        (filters as in list())."""
        return self._select(view, filters, order, limit, None)

    # -- monitoring -----------------------------------------------------------

    def metrics(self) -> str:
        """The Prometheus text exposition of GET /rpc/metrics (worker, admin
        or jobs_metrics token)."""
        try:
            response = self._http.get("/rpc/metrics", headers={"Accept": "*/*"})
        except httpx.TransportError as exc:
            raise Unavailable(f"cannot reach {self.url}: {exc}") from exc
        if response.is_error:
            try:
                body = response.json()
            except json.JSONDecodeError:
                body = {}
            raise make_error(body.get("message"), status=response.status_code,
                             code=body.get("code"), details=body.get("details"),
                             hint=body.get("hint"))
        return response.text

    def whoami(self) -> dict[str, Any]:
        """Who the token is: role, sub, scope, and the routes it may use
        with their methods (GET /rpc/whoami)."""
        return dict(self._rpc("whoami"))

    def dashboard_url(self) -> str:
        """The dashboard's address, with this client's token in the fragment
        (a browser does not send the fragment to the server)."""
        auth = self._http.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        return f"{self.url}/rpc/dashboard" + (f"#token={token}" if token else "")

    # -- locks --------------------------------------------------------------

    def locks(self, **filters: Any) -> builtins.list[Lock]:
        """Named locks held now."""
        return [Lock.from_row(r) for r in self._select("job_locks", filters, "name.asc",
                                                       None, None)]

    def acquire_lock(self, name: str, job_id: int | None = None) -> Lock:
        """Take a named lock for the caller (or for a running job); Conflict if held."""
        return Lock.from_row(self._rpc("acquire_lock", _drop_none({"name": name,
                                                                   "job_id": job_id})))

    def release_lock(self, name: str) -> Lock:
        """Release a lock the caller took; returns it."""
        return Lock.from_row(self._rpc("release_lock", {"name": name}))

    def clear_lock(self, name: str) -> builtins.list[Lock]:
        """Remove a stale lock whoever holds it (admins); returns what was removed."""
        rows = self._execute(self._rest.from_("job_locks").delete().eq("name", name))
        return [Lock.from_row(r) for r in rows]

    @contextmanager
    def lock(self, name: str) -> Iterator[Lock]:
        """Hold a named lock for the duration of a with block."""
        held = self.acquire_lock(name)
        try:
            yield held
        except BaseException:
            # The block's exception matters more than a failed release.
            try:
                self.release_lock(name)
            except JobsApiError:
                log.exception("could not release lock %s", name)
            raise
        self.release_lock(name)

    # -- housekeeping -------------------------------------------------------

    def cleanup(self, max_age_hours: int = 24) -> Cleanup:
        """Delete finished jobs that ended more than max_age_hours ago."""
        return Cleanup.from_row(self._rpc("cleanup_jobs", {"max_age_hours": max_age_hours}))

    def prune(self, batch_size: int = 10000) -> builtins.list[Pruned]:
        """Apply retention and expiry once (at most batch_size jobs)."""
        return [Pruned.from_row(r) for r in self._rpc("prune_jobs", {"batch_size": batch_size})]

    def reap_expired_leases(self) -> builtins.list[Job]:
        """Put back the running jobs whose worker vanished (maintenance does this too)."""
        return [Job.from_row(r) for r in self._rpc("reap_expired_leases")]

    def maintain(self, *, min_interval_seconds: int = 0,
                 unless_pg_cron: bool = False) -> dict[str, Any]:
        """Run maintenance now (run_maintenance); returns what it did, or
        {"ran": False, "reason": ...} when another run is in progress, the
        last one is less than min_interval_seconds old, or (unless_pg_cron)
        pg_cron runs it."""
        result: dict[str, Any] = self._rpc("run_maintenance", {
            "min_interval_seconds": min_interval_seconds, "unless_pg_cron": unless_pg_cron})
        return result

    def maintenance(self) -> Maintenance:
        """Who runs maintenance here, when it last ran and what it did."""
        return Maintenance.from_row(self._select("maintenance", {}, None, None, None)[0])

    def set_history_days(self, days: int) -> Maintenance:
        """Keep this many days of run history (admins)."""
        rows = self._execute(self._rest.from_("maintenance").update({"history_days": days}))
        return Maintenance.from_row(rows[0])

    def next_due(self, queues: Iterable[str] | None = None) -> float | None:
        """Seconds until the next scheduled job of these queues becomes due, or None."""
        value = self._rpc("next_due", {"queues": list(queues) if queues is not None else None})
        return None if value is None else float(value)

    # -- recurring schedules (admins) -----------------------------------------

    def schedules(self, **filters: Any) -> builtins.list[Schedule]:
        """Every recurring schedule (filters as in list())."""
        return [Schedule.from_row(r)
                for r in self._select("schedules", filters, "name.asc", None, None)]

    def schedule(self, name: str) -> Schedule:
        """One schedule; NotFound when there is none of that name."""
        rows = self._select("schedules", {"name": f"eq.{name}"}, None, None, None)
        if not rows:
            raise NotFound(f"schedule {name!r} not found", status=404)
        return Schedule.from_row(rows[0])

    def add_schedule(self, name: str, cron: str, job_name: str, payload: Any = None,
                     **fields: Any) -> Schedule:
        """Add a recurring schedule: each fire time of cron enqueues one job.

        fields: time_zone (IANA, default UTC), queue, priority, meta, locks,
        max_attempts, enabled, on_missed ("run_once" or "skip"), owner.
        InvalidInput for a bad cron expression or time zone.
        """
        body = _drop_none({"name": name, "cron": cron, "job_name": job_name,
                           "payload": payload, **fields})
        return Schedule.from_row(self._execute(self._rest.from_("schedules").insert(body))[0])

    def update_schedule(self, name: str, **fields: Any) -> Schedule:
        """Change a schedule's fields (as in add_schedule); returns it."""
        rows = self._execute(self._rest.from_("schedules").update(_drop_none(fields))
                             .eq("name", name))
        if not rows:
            raise NotFound(f"schedule {name!r} not found", status=404)
        return Schedule.from_row(rows[0])

    def enable_schedule(self, name: str) -> Schedule:
        """Fire a schedule again from its next fire time on."""
        return self.update_schedule(name, enabled=True)

    def disable_schedule(self, name: str) -> Schedule:
        """Stop a schedule from firing until it is enabled again."""
        return self.update_schedule(name, enabled=False)

    def remove_schedule(self, name: str) -> Schedule:
        """Delete a schedule (its jobs stay); returns it."""
        rows = self._execute(self._rest.from_("schedules").delete().eq("name", name))
        if not rows:
            raise NotFound(f"schedule {name!r} not found", status=404)
        return Schedule.from_row(rows[0])

    def run_schedule(self, name: str) -> Job:
        """Enqueue a schedule's job now, besides its fire times."""
        return Job.from_row(self._rpc("run_schedule", {"name": name}))

    # -- ETL ----------------------------------------------------------------

    def last_success(self, name: str) -> datetime | None:
        """Start of the newest successful run of name: the watermark to extract from."""
        return parse_time(self._rpc("last_success", {"name": name}) or None)

    def start_etl_run(self, name: str, source: str, destination: str) -> EtlRunRow:
        """Record the start of an ETL run (status in_progress)."""
        rows = self._execute(self._rest.from_("etl_jobs").insert(_drop_none({
            "name": name, "status": "in_progress", "source": source,
            "destination": destination})))
        return EtlRunRow.from_row(rows[0])

    def end_etl_run(self, run_id: int, status: str, *, records_processed: int | None = None,
                    message: str | None = None) -> EtlRunRow:
        """Record the end of an ETL run: status success or error."""
        rows = self._execute(self._rest.from_("etl_jobs").update(_drop_none({
            "status": status, "records_processed": records_processed, "message": message}))
            .eq("id", run_id))
        if not rows:
            raise NotFound(f"ETL run {run_id} not found", status=404)
        return EtlRunRow.from_row(rows[0])

    def etl_runs(self, *, order: str = "id.desc", limit: int | None = 100,
                 **filters: Any) -> builtins.list[EtlRunRow]:
        """ETL runs matching the filters (as in list()), newest first."""
        return [EtlRunRow.from_row(r)
                for r in self._select("etl_jobs", filters, order, limit, None)]

    def etl_run(self, name: str, source: str, destination: str) -> EtlRun:
        """Log an ETL run: `with client.etl_run(name, source, destination) as run:`;
        see jobsapi.etl."""
        from .etl import EtlRun

        return EtlRun(self, name, source, destination)

    # -- worker routes --------------------------------------------------------

    def claim(self, queues: Iterable[str] | None = None, *, worker: str | None = None,
              max_jobs: int = 1, lease_seconds: int = 300,
              wait_seconds: float | None = None) -> builtins.list[Job]:
        """Claim up to max_jobs due jobs; each is running under a lease. With
        wait_seconds (0-30) and nothing due, the server waits that long for a
        job before it answers (a long poll)."""
        params = _drop_none({"queues": list(queues) if queues is not None else None,
                             "worker": worker, "max_jobs": max_jobs,
                             "lease_seconds": lease_seconds, "wait_seconds": wait_seconds})
        return [Job.from_row(r) for r in self._rpc("claim_jobs", params)]

    def heartbeat(self, job_id: int, *, worker: str | None = None,
                  progress: int | None = None, message: str | None = None,
                  result: Any = None, lease_seconds: int = 300,
                  finished_items: Any = None) -> Heartbeat:
        """Report progress and extend the lease; cancel_requested says stop."""
        return Heartbeat.from_row(self._rpc("heartbeat", _drop_none({
            "job_id": job_id, "worker": worker, "progress": progress, "message": message,
            "result": result, "lease_seconds": lease_seconds,
            "finished_items": finished_items})))

    def heartbeat_many(self, beats: Iterable[Mapping[str, Any]], *,
                       worker: str | None = None, lease_seconds: int = 300) -> builtins.list[Heartbeat]:
        """Extend the leases of many held jobs in one request: {job_id, progress,
        message, result, finished_items} each, as in heartbeat(). A job missing
        from the answer is no longer held."""
        rows = self._rpc("heartbeat_jobs", _drop_none({
            "beats": [_drop_none(b) for b in beats], "worker": worker,
            "lease_seconds": lease_seconds}))
        return [Heartbeat.from_row(r) for r in rows]

    def complete(self, job_id: int, result: Any = None, *, worker: str | None = None,
                 num_success: int | None = None, num_error: int | None = None,
                 num_ignore: int | None = None, message: str | None = None) -> Job:
        """Report a held job done with its result and counters."""
        return Job.from_row(self._rpc("complete_job", _drop_none({
            "job_id": job_id, "worker": worker, "result": result, "num_success": num_success,
            "num_error": num_error, "num_ignore": num_ignore, "message": message})))

    def complete_many(self, results: Iterable[Mapping[str, Any]], *,
                      worker: str | None = None) -> builtins.list[Job]:
        """Complete many jobs in one request: {job_id, result, num_success, ...} each.
        Jobs not held (any more) are skipped; returns those that ended."""
        rows = self._rpc("complete_jobs", _drop_none({
            "results": [_drop_none(r) for r in results], "worker": worker}))
        return [Job.from_row(r) for r in rows]

    def fail(self, job_id: int, error: str, *, worker: str | None = None,
             stacktrace: str | None = None, retry: bool = True) -> Job:
        """Report a failed attempt; it is retried while attempts remain and retry is true."""
        return Job.from_row(self._rpc("fail_job", _drop_none({
            "job_id": job_id, "worker": worker, "error": error, "stacktrace": stacktrace,
            "retry": retry})))

    def fail_many(self, failures: Iterable[Mapping[str, Any]], *,
                  worker: str | None = None) -> builtins.list[Job]:
        """Fail many attempts in one request: {job_id, error, stacktrace, retry} each."""
        rows = self._rpc("fail_jobs", _drop_none({
            "failures": [_drop_none(f) for f in failures], "worker": worker}))
        return [Job.from_row(r) for r in rows]

    def stop_worker(self, worker: str) -> WorkerInfo:
        """Mark a worker stopped (a clean shutdown)."""
        return WorkerInfo.from_row(self._rpc("stop_worker", {"worker": worker}))


# PostgREST's filter operators, for filters given in its own syntax.
_OPERATORS = frozenset({
    "eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "in", "is",
    "isdistinct", "fts", "plfts", "phfts", "wfts", "cs", "cd", "ov", "sl", "sr", "nxr",
    "nxl", "adj", "not", "or", "and", "all", "any",
})
