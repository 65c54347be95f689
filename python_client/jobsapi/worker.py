"""jobsapi.Worker: claim jobs, run a handler on each, report the outcome.

    def resize(run: JobRun) -> dict:
        for i, image in enumerate(run.payload["images"]):
            ...
            run.progress(100 * (i + 1) // len(run.payload["images"]), f"{image} done")
            run.count(success=1)
        return {"resized": len(run.payload["images"])}

    Worker(client, ["images"], resize, concurrency=4).run()

- The return value becomes the job's result; counters come from run.count().
- An exception fails the attempt with its text and traceback; the database
  retries it while attempts remain (raise PermanentFailure to stop retries).
- Progress and messages go out with heartbeats, which also extend the
  lease. A cancel arrives with a heartbeat: run.cancelled turns true and
  run.progress() / run.check_cancelled() raise JobCancelled. A worker on a
  connection string hears of the cancel at once (jobs_cancelling) and
  sends that heartbeat right away.
- SIGINT or SIGTERM: no new claims, in-flight jobs finish and are reported,
  the worker marks itself stopped. A second signal exits at once; a killed
  worker's jobs go back to their queue when their lease runs out.
- Claims and reports are batched: one claim asks for every free slot, and
  outcomes that finish together go out in one complete_jobs / fail_jobs.
- Given a connection string, the worker LISTENs on jobs_queued and claims as
  soon as a job is queued, and sleeps until the next scheduled job is due
  (next_due) rather than a whole poll; a Client (HTTP) polls every
  poll_interval.
- Where pg_cron does not run maintenance, the worker runs it (run_maintenance)
  at most every maintenance_interval seconds across all workers.
"""

from __future__ import annotations

import json
import logging
import os
import queue as queue_module
import signal
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

from .client import Client
from .errors import InvalidInput, JobsApiError, ServerError, Unavailable, Undecodable
from .models import Job
from .worker_backends import CANCELLING, Backend, backend_for

log = logging.getLogger("jobsapi.worker")


# claim_jobs hands out at most this many jobs per call.
MAX_CLAIM = 1000
# Longest error, stack trace or message sent: the rest is cut.
MAX_TEXT = 10_000
# Without a batch_size, the most jobs held ready per handler (see Worker._hold).
AHEAD_PER_HANDLER = 6
# Weight of the newest sample in the running means of claim and job times.
SMOOTHING = 0.1


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Text the database accepts: no NUL (PostgreSQL text cannot hold one), no
    lone surrogate (not UTF-8), at most limit characters."""
    text = text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + "…"


class JobCancelled(Exception):
    """Raised inside a handler whose job was cancelled: stop the work."""


class PermanentFailure(Exception):
    """Raise from a handler to fail the job for good, without retries."""


class JobRun:
    """What a handler receives: the claimed job and the means to report on it."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.counters = {"num_success": 0, "num_error": 0, "num_ignore": 0}
        self._progress: int | None = None
        self._message: str | None = None
        self._dirty = False
        # Set once, never cleared: a plain flag (an Event costs a Condition
        # per job, which a worker of short jobs feels).
        self._cancelled = False
        self._lock = threading.Lock()
        self.began: float | None = None  # time.monotonic() when its handler began

    @property
    def id(self) -> int:
        """The job's id."""
        return self.job.id

    @property
    def name(self) -> str:
        """The job's name."""
        return self.job.name

    @property
    def queue(self) -> str:
        """The queue it was claimed from."""
        return self.job.queue

    @property
    def payload(self) -> Any:
        """The job's input."""
        return self.job.payload

    @property
    def meta(self) -> dict[str, Any]:
        """The job's labels (an empty dict when none)."""
        return self.job.meta or {}

    @property
    def attempts(self) -> int:
        """Attempts started so far, this one included."""
        return self.job.attempts

    @property
    def cancelled(self) -> bool:
        """True once a cancel of this job was asked (or the worker lost it)."""
        return self._cancelled

    def check_cancelled(self) -> None:
        """Raise JobCancelled when the job was cancelled."""
        if self.cancelled:
            raise JobCancelled(f"job {self.id} was cancelled")

    def progress(self, percent: int | None = None, message: str | None = None) -> None:
        """Report progress (0-100) and/or a message; sent with the next heartbeat,
        which comes soon. Raises JobCancelled when the job was cancelled."""
        self.check_cancelled()
        with self._lock:
            if percent is not None:
                self._progress = max(0, min(100, int(percent)))
            if message is not None:
                self._message = clean_text(str(message))
            self._dirty = True

    def count(self, success: int = 0, error: int = 0, ignore: int = 0) -> None:
        """Add to the records processed, failed and ignored; reported on completion."""
        with self._lock:
            self.counters["num_success"] += success
            self.counters["num_error"] += error
            self.counters["num_ignore"] += ignore

    def _take_report(self) -> tuple[int | None, str | None]:
        with self._lock:
            self._dirty = False
            return self._progress, self._message


Handler = Callable[[JobRun], Any]


class Worker:
    """Runs handler(run) for each job claimed from queues, concurrency at a time.

    source: a Client (HTTP) or a PostgreSQL connection string (LISTEN/NOTIFY;
    its role must be allowed to claim, e.g. a member of jobs_admin).
    queues: names, or None for every queue the caller may claim from.
    lease_seconds: how long a job stays held without a heartbeat; a killed
    worker's jobs are back in their queue after at most this long.
    batch_size: the most jobs held at once, running or ready for the next
    free handler; a claim asks for the difference. When not given, the
    worker holds ready as many jobs as its handlers finish during one claim's
    round trip (none for jobs longer than that, at most AHEAD_PER_HANDLER
    per handler): short jobs then never wait for a claim, and a job held
    ready waits about one round trip, which another worker could not beat.
    maintenance_interval: where pg_cron does not run maintenance, run it at
    most this often (seconds, default 60) across all the workers of the
    database; 0 never.
    """

    def __init__(self, source: Client | str | Backend, queues: Sequence[str] | str | None,
                 handler: Handler, concurrency: int = 1, *, name: str | None = None,
                 lease_seconds: int = 60, heartbeat_interval: float | None = None,
                 poll_interval: float = 1.0, report_interval: float = 0.2,
                 batch_size: int | None = None, maintenance_interval: int = 60) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if batch_size is not None and batch_size < concurrency:
            raise ValueError(f"batch_size ({batch_size}) must be at least concurrency"
                             f" ({concurrency}): a claim fills every free handler")
        if poll_interval <= 0:
            raise ValueError("poll_interval must be positive")
        if not 0 <= maintenance_interval <= 86400:
            raise ValueError("maintenance_interval must be between 0 and 86400 seconds")
        self.backend = backend_for(source)
        self.queues = [queues] if isinstance(queues, str) else (
            list(queues) if queues is not None else None)
        self.handler = handler
        self.concurrency = concurrency
        self.batch_size = batch_size
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease_seconds = lease_seconds
        self.heartbeat_interval = heartbeat_interval or min(lease_seconds / 3, 5.0)
        self.poll_interval = poll_interval
        self.report_interval = report_interval
        self.maintenance_interval = maintenance_interval
        self.processed = 0
        # Running means, in seconds, of a full claim's round trip and of a
        # handler's run: they size the jobs held ready (_hold).
        self._claim_seconds: float | None = None
        self._job_seconds: float | None = None
        self._stop = threading.Event()
        self._halt = threading.Event()
        self._wake = threading.Event()
        self._inbox: queue_module.SimpleQueue[JobRun | None] = queue_module.SimpleQueue()
        self._outbox: list[tuple[str, dict[str, Any]]] = []
        self._running: dict[int, JobRun] = {}
        # Finished jobs whose outcome waits in the outbox: still heartbeaten,
        # so that an outage that holds back the report loses no lease.
        self._reporting: dict[int, JobRun] = {}
        self._sent: dict[int, float] = {}
        self._lock = threading.Lock()
        # Outcomes are sent by a thread of their own (_send_outcomes), beside
        # the claims; one flush at a time.
        self._outcomes = threading.Event()
        self._flush_lock = threading.Lock()
        self._signals = 0

    # -- control ------------------------------------------------------------

    def stop(self) -> None:
        """Stop claiming; run() returns once in-flight jobs are reported."""
        self._stop.set()
        self._wake.set()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._signals += 1
        if self._signals > 1:
            raise KeyboardInterrupt
        log.info("%s: finishing %d running job(s), then stopping (again to quit now)",
                 signal.Signals(signum).name, len(self._running))
        self.stop()

    def run(self, *, install_signal_handlers: bool = True) -> None:
        """Work until stop() or SIGINT/SIGTERM; then finish in-flight jobs."""
        previous = {}
        if install_signal_handlers and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, self._on_signal)
        threads = [threading.Thread(target=self._work, name=f"jobsapi-run-{i}", daemon=True)
                   for i in range(self.concurrency)]
        threads.append(threading.Thread(target=self._beat, name="jobsapi-heartbeat",
                                        daemon=True))
        threads.append(threading.Thread(target=self._send_outcomes, name="jobsapi-report",
                                        daemon=True))
        if self.backend.can_listen:
            threads.append(threading.Thread(target=self.backend.listen, name="jobsapi-listen",
                                            args=(self._on_note, self._halt), daemon=True))
        if self.maintenance_interval:
            threads.append(threading.Thread(target=self._maintain, name="jobsapi-maintenance",
                                            daemon=True))
        for thread in threads:
            thread.start()
        try:
            log.info("worker %s on %s, concurrency %d", self.name,
                     ",".join(self.queues) if self.queues else "every queue", self.concurrency)
            self._loop()
            self._drain()
            self._try(self.backend.stop_worker, self.name)
        finally:
            self._halt.set()
            # Jobs held ready do not start once run() is leaving (after an
            # error, or a second signal): their leases give them back.
            while True:
                try:
                    self._inbox.get_nowait()
                except queue_module.Empty:
                    break
            for _ in range(self.concurrency):
                self._inbox.put(None)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.backend.close()

    # -- the main loop ------------------------------------------------------

    def _on_note(self, channel: str, payload: str) -> None:
        if channel == CANCELLING:
            # Ask the heartbeat thread to report on that job now: the reply
            # says the cancel, and the handler learns it. An empty payload
            # (the listener has just connected, and may have missed a cancel
            # meanwhile) asks it for every job held.
            with self._lock:
                if not payload:
                    for job_id in self._sent:
                        self._sent[job_id] = float("-inf")
                elif payload.isdigit() and int(payload) in self._sent:
                    self._sent[int(payload)] = float("-inf")
        elif not payload or self.queues is None or payload in self.queues:
            self._wake.set()

    def _retry_delay(self, outage: float) -> float:
        """How long to wait before trying again, `outage` seconds into an
        outage: longer as it lasts, at most a second (and a third of the
        lease), so that the worker resumes within a second of the server's
        return and its jobs' leases never run out meanwhile."""
        return min(max(0.1, outage / 10), 1.0, self.lease_seconds / 3)

    def _loop(self) -> None:
        outage_since: float | None = None
        claim_lost = False
        while not self._stop.is_set():
            self._wake.clear()
            wait = self.poll_interval
            try:
                if claim_lost:
                    # A claim whose answer never came may have claimed jobs
                    # all the same: take them up rather than leave them to
                    # their lease.
                    for job in self._adopt("a claim's answer was lost"):
                        self._start(job)
                    claim_lost = False
                free = min(self._hold() - len(self._running), MAX_CLAIM)
                if free > 0:
                    # A worker that cannot LISTEN (over HTTP) asks the
                    # database to wait for a job, up to a poll interval (at
                    # most 5 s, which is also how long a stop may wait for
                    # it): a job submitted meanwhile starts at once, and an
                    # idle worker sends one request per interval.
                    long_poll = 0.0 if self.backend.can_listen else min(self.poll_interval, 5.0)
                    asked = time.monotonic()
                    try:
                        jobs = self.backend.claim(self.queues, self.name, free,
                                                  self.lease_seconds, long_poll)
                    except Undecodable as exc:
                        jobs = self._adopt(f"the jobs of a claim cannot all be read ({exc})")
                    except (Unavailable, ServerError):
                        claim_lost = True
                        raise
                    if len(jobs) == free:
                        # A full answer did not wait for jobs: a round trip.
                        self._claim_seconds = _mean(self._claim_seconds,
                                                    time.monotonic() - asked)
                    for job in jobs:
                        self._start(job)
                    if long_poll and not jobs and time.monotonic() - asked >= long_poll * 0.9:
                        wait = 0.0  # it waited in the database already
                    elif len(jobs) < free:
                        # Wake when the next scheduled job is due, not a poll later.
                        due = self.backend.next_due(self.queues)
                        if due is not None:
                            wait = min(wait, max(due, 0.0) + 0.002)
                outage_since = None
            except JobsApiError as exc:
                # A refused claim (bad token, queue not allowed, no such
                # schema) will not mend itself; anything else may.
                if exc.status in (400, 401, 403, 404):
                    raise
                now = time.monotonic()
                if outage_since is None:
                    outage_since = now
                delay = self._retry_delay(now - outage_since)
                log.warning("%s; trying again in %.1fs", exc, delay)
                self._wake.wait(delay)  # a finished job still gets reported
                continue
            self._wake.wait(wait)

    def _hold(self) -> int:
        """The most jobs to hold, running or ready: batch_size when given;
        else the handlers and the jobs they finish in one claim's round trip.
        A job that has run longer than the mean stands in for it: when jobs
        turn long, nothing more is held ready from the next claim on."""
        if self.batch_size is not None:
            return self.batch_size
        claim, job = self._claim_seconds, self._job_seconds
        if claim is None or job is None:
            return self.concurrency
        now = time.monotonic()
        with self._lock:
            for run in self._running.values():
                if run.began is not None:
                    job = max(job, now - run.began)
        ahead = int(self.concurrency * claim / max(job, 1e-6))
        return self.concurrency + min(ahead, AHEAD_PER_HANDLER * self.concurrency)

    def _adopt(self, why: str) -> list[Job]:
        """The jobs the database says this worker holds that it does not
        know of, read one at a time; each one that cannot be read here (its
        JSON nested deeper than Python's decoder goes) fails for good, so
        that it neither stops this worker nor comes back to another."""
        with self._lock:
            known = set(self._running) | set(self._reporting)
        unknown = [i for i in self.backend.held_job_ids(self.name) if i not in known]
        if unknown:
            log.warning("%s: taking up job(s) %s one by one", why,
                        ", ".join(map(str, unknown)))
        readable = []
        for job_id in unknown:
            try:
                readable.append(self.backend.get_job(job_id))
            except Undecodable as poison:
                error = clean_text(f"job {job_id} cannot be read by this worker: {poison}")
                log.warning("%s; failing it for good", error)
                self._try(self.backend.fail_many, [{"job_id": job_id, "error": error,
                                                    "retry": False}], self.name)
        return readable

    def _maintain(self) -> None:
        """Run maintenance at most every maintenance_interval seconds across
        every worker of the database, unless pg_cron runs it there."""
        while not self._halt.is_set():
            try:
                result = self.backend.maintain(self.maintenance_interval)
                if result.get("ran"):
                    log.info("maintenance: %s", json.dumps(result, sort_keys=True))
            except JobsApiError as exc:
                log.warning("maintenance failed: %s", exc)
            self._halt.wait(self.maintenance_interval)

    def _send_outcomes(self) -> None:
        """Send outcomes as handlers finish them, so that the loop thread
        claims while the last batch is reported. While the server cannot be
        reached, try again at most a second apart (the heartbeats keep the
        jobs' leases meanwhile)."""
        outage_since: float | None = None
        while not self._halt.is_set():
            self._outcomes.wait(1.0)
            self._outcomes.clear()
            try:
                self._flush()
                outage_since = None
            except JobsApiError as exc:
                now = time.monotonic()
                if outage_since is None:
                    outage_since = now
                delay = self._retry_delay(now - outage_since)
                log.warning("could not report outcomes (%s); trying again in %.1fs", exc, delay)
                self._halt.wait(delay)
                self._outcomes.set()

    def _drain(self) -> None:
        """After a stop: wait for running jobs, reporting as they finish."""
        while True:
            with self._lock:
                busy = bool(self._running)
            try:
                self._flush()
            except JobsApiError as exc:
                log.warning("could not report outcomes (%s); trying again", exc)
                time.sleep(0.5)
            if not busy and not self._outbox:
                return
            self._wake.wait(0.5)
            self._wake.clear()

    def _start(self, job: Job) -> None:
        run = JobRun(job)
        with self._lock:
            stale = self._reporting.pop(job.id, None)
            if stale is not None:
                # Its outcome waited for an outage to end, the lease ran out
                # meanwhile and this claim took it back: that outcome
                # belongs to an attempt that is over.
                log.warning("job %s: lease lost before its outcome was reported, claimed "
                            "again as attempt %s", job.id, job.attempts)
                self._outbox = [o for o in self._outbox if o[1]["job_id"] != job.id]
            lost = self._running.get(job.id)
            if lost is not None:
                # Its lease ran out while it was still here (heartbeats could
                # not get through) and this claim took it back: the old run's
                # outcome belongs to an attempt that is over.
                log.warning("job %s: lease lost, claimed again as attempt %s",
                            job.id, job.attempts)
                lost._cancelled = True
            self._running[job.id] = run
            self._sent[job.id] = time.monotonic()
        self._inbox.put(run)

    # -- running handlers -----------------------------------------------------

    def _work(self) -> None:
        while True:
            run = self._inbox.get()
            if run is None:
                return
            outcome = None
            run.began = began = time.monotonic()
            try:
                # A job held ready may have been cancelled before its turn.
                outcome = None if run.cancelled else self._execute(run)
                _log_outcome(run, outcome, time.monotonic() - began)
            finally:
                # Whatever happened, the job leaves this worker's hands: no
                # more heartbeats, so at worst its lease runs out.
                with self._lock:
                    reported_later = outcome is not None and not run.cancelled
                    if self._running.get(run.id) is run:
                        del self._running[run.id]
                        if reported_later:
                            self._reporting[run.id] = run
                        else:
                            self._sent.pop(run.id, None)
                    if outcome is not None and reported_later:
                        self._outbox.append(outcome)
                    if outcome is not None:
                        self._job_seconds = _mean(self._job_seconds,
                                                  time.monotonic() - began)
                    self.processed += 1
                self._outcomes.set()
                self._wake.set()

    def _execute(self, run: JobRun) -> tuple[str, dict[str, Any]] | None:
        try:
            value = self.handler(run)
            # What the database and the HTTP body will take: no NaN, no lone
            # surrogate.
            json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
        except BaseException as exc:  # the handler's failure (sys.exit too) is the job's
            if run.cancelled:
                return None
            report = {"job_id": run.id, "error": clean_text(f"{type(exc).__name__}: {exc}"),
                      "stacktrace": clean_text(traceback.format_exc())}
            if isinstance(exc, PermanentFailure):
                report["retry"] = False
            return ("fail", report)
        if run.cancelled:
            return None
        progress, message = run._take_report()
        report = {"job_id": run.id, "result": value, **run.counters}
        if message is not None:
            report["message"] = message
        return ("complete", report)

    def _flush(self) -> None:
        """Send finished outcomes: one complete_jobs and one fail_jobs call.
        Raises only when the server could not be asked (the outcomes are kept
        for the next try); a refused report fails or is dropped, logged. One
        flush at a time: a caller waits for the one under way (_drain thus
        knows that nothing is in flight)."""
        with self._flush_lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        with self._lock:
            outbox, self._outbox = self._outbox, []
        if not outbox:
            return
        completes = [r for kind, r in outbox if kind == "complete"]
        fails = [r for kind, r in outbox if kind == "fail"]
        try:
            if completes:
                self._report(self.backend.complete_many, completes)
                self._reported(completes)
                completes = []
            if fails:
                self._report(self.backend.fail_many, fails)
                self._reported(fails)
        except JobsApiError:
            # Keep what was not sent; the leases hold the jobs meanwhile.
            with self._lock:
                self._outbox[:0] = [("complete", r) for r in completes] + [
                    ("fail", r) for r in fails]
            raise

    def _reported(self, reports: list[dict[str, Any]]) -> None:
        """These outcomes reached the server: their jobs need no heartbeat."""
        with self._lock:
            for report in reports:
                if self._reporting.pop(report["job_id"], None) is not None:
                    self._sent.pop(report["job_id"], None)

    def _report(self, send: Callable[[list[dict[str, Any]], str], Any],
                reports: list[dict[str, Any]]) -> None:
        """Send reports in one call; if the database refuses the batch, one by
        one, so that one bad report holds back no other."""
        try:
            send(reports, self.name)
            return
        except InvalidInput as exc:
            refused = exc
        for report in reports:
            if len(reports) > 1:
                try:
                    send([report], self.name)
                    continue
                except InvalidInput as exc:
                    refused = exc
            if send == self.backend.complete_many:
                # The result was refused (too large, say): the job fails.
                self._report(self.backend.fail_many, [{
                    "job_id": report["job_id"], "retry": False,
                    "error": clean_text(f"the result was refused: {refused}")}])
            else:
                log.error("job %s: the failure report was refused (%s); the job goes "
                          "back to its queue when its lease ends", report["job_id"], refused)

    # -- heartbeats -----------------------------------------------------------

    def _beat(self) -> None:
        """Every tick, one heartbeat_jobs call for the jobs due a report: those
        with news from their handler, and those whose lease wants extending."""
        while not self._halt.wait(min(self.report_interval, self.heartbeat_interval)):
            now = time.monotonic()
            with self._lock:
                held = [(run, self._sent.get(run.id, now))
                        for run in [*self._running.values(), *self._reporting.values()]]
            due = [run for run, sent in held if not run.cancelled and (
                now - sent >= self.heartbeat_interval
                or (run._dirty and now - sent >= self.report_interval))]
            if not due:
                continue
            beats = []
            for run in due:
                progress, message = run._take_report()
                beats.append({"job_id": run.id, "progress": progress, "message": message})
            with self._lock:
                for run in due:
                    if run.id in self._sent:
                        self._sent[run.id] = now
            try:
                replies = self._heartbeat(beats)
            except Exception as exc:  # the heartbeat thread must not die
                log.warning("heartbeat of %d job(s) failed: %s", len(due), exc)
                # Again in a second, not a whole interval later: the leases
                # are running out meanwhile.
                with self._lock:
                    for run in due:
                        if run.id in self._sent:
                            self._sent[run.id] = now - self.heartbeat_interval + 1.0
                continue
            for run in due:
                reply = replies.get(run.id)
                if reply is None:
                    # No longer ours: reported meanwhile, or the lease ran out
                    # and the job was taken back. Its handler should stop.
                    run._cancelled = True
                elif reply.cancel_requested:
                    log.info("job %s was cancelled", run.id)
                    run._cancelled = True

    def _heartbeat(self, beats: list[dict[str, Any]]) -> dict[int, Any]:
        """One heartbeat_jobs call; if the database refuses a message, the
        beats go again without messages, so that no lease is lost over one."""
        def send(items: list[dict[str, Any]]) -> dict[int, Any]:
            replies = self.backend.heartbeat_many(
                [{k: v for k, v in b.items() if v is not None} for b in items],
                self.name, self.lease_seconds)
            return {r.job_id: r for r in replies}

        try:
            return send(beats)
        except InvalidInput as exc:
            log.warning("a progress report was refused (%s); sent without messages", exc)
            return send([{**b, "message": None} for b in beats])

    def _try(self, func: Callable[..., Any], *args: Any) -> None:
        try:
            func(*args)
        except JobsApiError as exc:
            log.warning("%s failed: %s", getattr(func, "__name__", func), exc)


def _mean(mean: float | None, sample: float) -> float:
    """A running mean that follows recent samples."""
    return sample if mean is None else mean + SMOOTHING * (sample - mean)


def _log_outcome(run: JobRun, outcome: tuple[str, dict[str, Any]] | None,
                 seconds: float) -> None:
    """One line per job, for whoever watches the worker's output."""
    if outcome is None:
        log.info("job %s (%s) stopped: cancelled", run.id, run.name)
    elif outcome[0] == "complete":
        log.info("job %s (%s) done in %.3fs", run.id, run.name, seconds)
    else:
        log.warning("job %s (%s) failed after %.3fs: %s", run.id, run.name, seconds,
                    outcome[1]["error"])
