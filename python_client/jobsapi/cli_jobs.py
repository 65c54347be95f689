"""The job commands of `jobsapi`: submit, list, show, cancel, retry, stats,
queues, pause, resume, watch and worker. Each is one or two calls of
jobsapi.Client; the server decides and the command reports."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import cli_output as out
from .client import Client
from .models import Job
from .worker import Worker

JOB_COLUMNS = ("id", "queue", "name", "status", "progress", "attempts", "created_at",
               "message")


def client_for(args: argparse.Namespace) -> Client:
    """A Client for --url and --token (or their environment variables)."""
    return Client(args.url, args.token)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value


def _interval_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"expected seconds from 0 to 86400, got {text!r}")
    return value


def _json_arg(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON: {exc}") from None


def _time_arg(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text}") from None


def _show_jobs(args: argparse.Namespace, jobs: list[Job]) -> None:
    if args.json:
        out.print_json(jobs)
    else:
        out.print_table(jobs, JOB_COLUMNS, empty="no jobs")


def _finished_code(job: Job) -> int:
    return out.OK if job.status == "completed" else out.JOB_FAILED


# -- commands -----------------------------------------------------------------

def cmd_submit(args: argparse.Namespace) -> int:
    """jobsapi submit NAME [PAYLOAD]: submit a job, optionally wait for it."""
    with client_for(args) as client:
        job = client.submit(args.name, args.payload, queue=args.queue, priority=args.priority,
                            run_at=args.run_at, max_attempts=args.max_attempts,
                            meta=args.meta, locks=args.lock or None,
                            after_job_id=args.after)
        if args.wait:
            return _watch(args, client, job.id)
    if args.json:
        out.print_json(job)
    else:
        print(f"job {job.id} {job.status} in queue {job.queue}")
    return out.OK


def cmd_list(args: argparse.Namespace) -> int:
    """jobsapi list: a page of jobs matching the filters."""
    filters = {k: v for k, v in (("status", args.status), ("queue", args.queue),
                                 ("name", args.name), ("owner", args.owner)) if v}
    with client_for(args) as client:
        jobs = client.list(order=args.order, limit=args.limit, offset=args.offset, **filters)
    _show_jobs(args, jobs)
    return out.OK


def cmd_show(args: argparse.Namespace) -> int:
    """jobsapi show JOB: every field of a job, then its events."""
    with client_for(args) as client:
        job = client.get(args.job_id)
        events = client.events(args.job_id)
    if args.json:
        out.print_json({**job.to_dict(), "events": out.plain(events)})
        return out.OK
    out.print_record(job, skip=("errors",))
    print()
    out.print_table(events, ("happened_at", "from_status", "to_status", "actor", "message"),
                    empty="no events")
    return out.OK


def cmd_cancel(args: argparse.Namespace) -> int:
    """jobsapi cancel JOB."""
    with client_for(args) as client:
        job = client.cancel(args.job_id)
    if args.json:
        out.print_json(job)
    else:
        print(f"job {job.id} {job.status}")
    return out.OK


def cmd_retry(args: argparse.Namespace) -> int:
    """jobsapi retry JOB: submit a retry (or retry every failed retry)."""
    with client_for(args) as client:
        if args.failed_retries:
            jobs = client.retry_failed_retries(args.job_id)
        else:
            jobs = [client.retry(args.job_id)]
    if args.json:
        out.print_json(jobs)
    else:
        for job in jobs:
            print(f"job {job.id} submitted, a retry of job {job.retry_of}")
        if not jobs:
            print("no failed retries to retry")
    return out.OK


def cmd_stats(args: argparse.Namespace) -> int:
    """jobsapi stats: jobs per status and workers."""
    with client_for(args) as client:
        stats = client.stats()
    if args.json:
        out.print_json(stats)
    else:
        out.print_record(stats)
    return out.OK


def cmd_queues(args: argparse.Namespace) -> int:
    """jobsapi queues: each queue's state and jobs per status."""
    with client_for(args) as client:
        queues = client.queues()
    if args.json:
        out.print_json(queues)
        return out.OK
    # A paused queue's waiting jobs count as paused; show them as waiting.
    rows = [{**q.counts, "name": q.name, "state": "paused" if q.paused else "active",
             "waiting": q.counts.get("queued", 0) + q.counts.get("paused", 0)}
            for q in queues]
    out.print_table(rows, ("name", "state", "waiting", "scheduled", "running", "completed",
                           "failed", "cancelled"), empty="no queues")
    return out.OK


def cmd_pause(args: argparse.Namespace) -> int:
    """jobsapi pause|resume QUEUE."""
    with client_for(args) as client:
        queue = client.pause(args.queue) if args.paused else client.resume(args.queue)
    if args.json:
        out.print_json(queue)
    else:
        print(f"queue {queue.name} {'paused' if queue.paused else 'resumed'}")
    return out.OK



def _watch(args: argparse.Namespace, client: Client, job_id: int) -> int:
    tty = sys.stdout.isatty()

    def show(job: Job) -> None:
        if args.json:
            return
        line = out.progress_bar(job.progress, job.status, job.message)
        print(f"\r\033[K{line}" if tty else line, end="" if tty else "\n", flush=True)

    job = client.wait(job_id, timeout=args.timeout, on_progress=show)
    if args.json:
        out.print_json(job)
    else:
        if tty:
            print()
        if job.status == "completed":
            print(f"job {job.id} completed" + (f": {out.cell(job.result)}"
                                               if job.result is not None else ""))
        else:
            print(f"job {job.id} {job.status}" + (f": {job.error}" if job.error else ""))
    return _finished_code(job)


def cmd_watch(args: argparse.Namespace) -> int:
    """jobsapi watch JOB: a progress bar until the job ends."""
    with client_for(args) as client:
        return _watch(args, client, args.job_id)


def load_handler(spec: str) -> Callable[..., Any]:
    """MODULE:FUNCTION, imported with the current directory on the path."""
    module_name, _, func_name = spec.partition(":")
    if not module_name or not func_name:
        raise argparse.ArgumentTypeError(f"expected MODULE:FUNCTION, got {spec!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise argparse.ArgumentTypeError(f"cannot import {module_name}: {exc}") from None
    handler = getattr(module, func_name, None)
    if not callable(handler):
        raise argparse.ArgumentTypeError(f"{module_name} has no function {func_name}")
    return handler


def cmd_worker(args: argparse.Namespace) -> int:
    """jobsapi worker MODULE:FUNCTION: run jobs until SIGINT/SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    queues = [q.strip() for value in args.queue or [] for q in value.split(",") if q.strip()]
    dsn = args.dsn or os.environ.get("JOBSAPI_DSN")
    source: Client | str = dsn if dsn else client_for(args)
    try:
        worker = Worker(source, queues or None, args.handler, args.concurrency, name=args.name,
                        lease_seconds=args.lease, poll_interval=args.poll_interval,
                        batch_size=args.batch_size,
                        maintenance_interval=args.maintenance_interval)
    except ValueError as exc:  # settings that do not go together
        print(f"jobsapi: {exc}", file=sys.stderr)
        return out.USAGE
    try:
        worker.run()
    except KeyboardInterrupt:
        print("stopped at once: running jobs go back to their queue when their lease ends",
              file=sys.stderr)
        return 130
    print(f"worker {worker.name} stopped after {worker.processed} job(s)", file=sys.stderr)
    return out.OK


# -- the parsers --------------------------------------------------------------

def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the job commands; common holds --url, --token and --json."""

    def command(name: str, func: Callable[[argparse.Namespace], int],
                help_text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, parents=[common], help=help_text,
                                description=help_text)
        parser.set_defaults(func=func)
        return parser

    def job_id(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("job_id", type=int, metavar="JOB")

    def timeout(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--timeout", type=float, help="give up after this many seconds "
                            "(exit 124)")

    p = command("submit", cmd_submit, "submit a job")
    p.add_argument("name", help="what the job does (the handler's name)")
    p.add_argument("payload", nargs="?", type=_json_arg, help="input as JSON, e.g. '{\"id\": 4}'")
    p.add_argument("--queue", "-q")
    p.add_argument("--priority", type=int, help="1 low, 2 normal, 3 high, 4 urgent")
    p.add_argument("--run-at", type=_time_arg, help="not before this time (ISO 8601)")
    p.add_argument("--max-attempts", type=int)
    p.add_argument("--meta", type=_json_arg, help="labels as a JSON object")
    p.add_argument("--lock", action="append", help="a named lock the job needs (repeatable)")
    p.add_argument("--after", type=int, metavar="JOB", help="run once that job completed")
    p.add_argument("--wait", action="store_true", help="watch the job until it ends")
    timeout(p)

    p = command("list", cmd_list, "list jobs, newest first")
    p.add_argument("--status", "-s")
    p.add_argument("--queue", "-q")
    p.add_argument("--name", "-n")
    p.add_argument("--owner")
    p.add_argument("--order", default="id.desc", help="PostgREST order, e.g. priority.desc")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)

    job_id(command("show", cmd_show, "show a job and its events"))
    job_id(command("cancel", cmd_cancel, "cancel a job"))
    p = command("retry", cmd_retry, "retry a failed job")
    job_id(p)
    p.add_argument("--failed-retries", action="store_true",
                   help="retry every failed retry of the job's chain instead")
    command("stats", cmd_stats, "jobs per status and workers")
    command("queues", cmd_queues, "queues and their jobs per status")
    for name, paused, text in (("pause", True, "pause a queue: its jobs wait"),
                               ("resume", False, "resume a paused queue")):
        p = command(name, cmd_pause, text)
        p.add_argument("queue")
        p.set_defaults(paused=paused)
    p = command("watch", cmd_watch, "follow a job's progress until it ends")
    job_id(p)
    timeout(p)

    p = command("worker", cmd_worker, "run jobs with a Python function until SIGINT/SIGTERM")
    p.add_argument("handler", type=load_handler, metavar="MODULE:FUNCTION",
                   help="called with each job (a jobsapi.worker.JobRun)")
    p.add_argument("--queue", "-q", action="append",
                   help="queue to work on (repeatable or comma-separated; default: all allowed)")
    p.add_argument("--concurrency", "-c", type=_positive_int, default=1)
    p.add_argument("--dsn", help="PostgreSQL connection string: claim directly and LISTEN "
                   "instead of polling (default: JOBSAPI_DSN; else HTTP)")
    p.add_argument("--name", help="worker name (default: host:pid:random)")
    p.add_argument("--lease", type=_positive_int, default=60, help="lease seconds: how soon a killed "
                   "worker's jobs are taken back")
    p.add_argument("--poll-interval", type=float, default=1.0)
    p.add_argument("--batch-size", type=_positive_int, help="most jobs held, running or ready "
                   "(at least the concurrency; default: the handlers and what they finish "
                   "in one claim's round trip)")
    p.add_argument("--maintenance-interval", type=_interval_arg, default=60, metavar="SECONDS",
                   help="where pg_cron does not run maintenance, "
                   "run it at most this often across all workers (default 60; 0 never)")
