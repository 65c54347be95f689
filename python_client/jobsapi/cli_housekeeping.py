"""The housekeeping commands of `jobsapi`: maintain (run maintenance now, or
every N seconds) and schedules (list, add, enable, disable, remove, run).
Each is one call of jobsapi.Client; the server decides and the command
reports."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from . import cli_output as out
from .cli_jobs import _json_arg, _positive_int, client_for
from .models import Schedule

SCHEDULE_COLUMNS = ("name", "cron", "time_zone", "queue", "job_name", "enabled",
                    "next_fire_at", "last_fire_at", "last_error")


def _print_run(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if args.json:
        out.print_json(result)
    elif result.get("ran"):
        done = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in result.items()
                         if key not in ("ran", "started_at", "duration_ms"))
        print(f"maintenance ran in {result.get('duration_ms')} ms: {done}", flush=True)
    else:
        print(f"maintenance did not run: {result.get('reason')}", flush=True)


def cmd_maintain(args: argparse.Namespace) -> int:
    """jobsapi maintain [--every SECONDS] [--status] [--history-days DAYS]."""
    with client_for(args) as client:
        if args.history_days is not None:
            client.set_history_days(args.history_days)
        if args.status or args.history_days is not None:
            status = client.maintenance()
            if args.json:
                out.print_json(status)
            else:
                out.print_record(status)
            return out.OK
        while True:
            _print_run(args, client.maintain())
            if not args.every:
                return out.OK
            try:
                time.sleep(args.every)
            except KeyboardInterrupt:
                return out.OK


def _show(args: argparse.Namespace, schedules: list[Schedule]) -> None:
    if args.json:
        out.print_json(schedules)
    else:
        out.print_table(schedules, SCHEDULE_COLUMNS, empty="no schedules")


def cmd_schedules(args: argparse.Namespace) -> int:
    """jobsapi schedules [list|add|enable|disable|remove|run]."""
    with client_for(args) as client:
        action = args.action
        if action == "list":
            _show(args, client.schedules())
            return out.OK
        if action == "run":
            job = client.run_schedule(args.name)
            if args.json:
                out.print_json(job)
            else:
                print(f"job {job.id} submitted for schedule {args.name}")
            return out.OK
        calls: dict[str, Callable[[], Schedule]] = {
            "add": lambda: client.add_schedule(
                args.name, args.cron, args.job_name, args.payload, queue=args.queue,
                time_zone=args.time_zone, priority=args.priority, meta=args.meta,
                locks=args.lock, max_attempts=args.max_attempts, on_missed=args.on_missed,
                enabled=False if args.disabled else None),
            "enable": lambda: client.enable_schedule(args.name),
            "disable": lambda: client.disable_schedule(args.name),
            "remove": lambda: client.remove_schedule(args.name),
        }
        _show(args, [calls[action]()])
    return out.OK


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add maintain and schedules; common holds --url, --token and --json."""
    p = sub.add_parser("maintain", parents=[common], help="run maintenance now",
                       description="Run maintenance (lease rescue, schedules, due jobs, "
                       "retention, ledgers) once, or every SECONDS; --status shows who runs "
                       "it and its last run.")
    p.add_argument("--every", type=_positive_int, metavar="SECONDS",
                   help="run again every SECONDS until interrupted")
    p.add_argument("--status", action="store_true",
                   help="show who runs maintenance, when it last ran and what it did")
    p.add_argument("--history-days", type=_positive_int, metavar="DAYS",
                   help="keep this many days of run history (admins), then show the status")
    p.set_defaults(func=cmd_maintain)

    p = sub.add_parser("schedules", help="recurring schedules (admins)",
                       description="List recurring schedules, or add, enable, disable, "
                       "remove or run one.")
    p.set_defaults(func=cmd_schedules)
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("list", parents=[common], help="every schedule")
    add = actions.add_parser("add", parents=[common], help="add a schedule")
    add.add_argument("name")
    add.add_argument("cron", help="5-field cron expression, e.g. '0 3 * * *' (quote it)")
    add.add_argument("job_name", help="name of the jobs it enqueues")
    add.add_argument("payload", nargs="?", type=_json_arg, help="payload as JSON")
    add.add_argument("--time-zone", "--tz", help="IANA time zone (default UTC)")
    add.add_argument("--queue", "-q")
    add.add_argument("--priority", type=int, help="1 low, 2 normal, 3 high, 4 urgent")
    add.add_argument("--meta", type=_json_arg, help="labels as a JSON object")
    add.add_argument("--lock", action="append", help="a named lock its jobs need (repeatable)")
    add.add_argument("--max-attempts", type=int)
    add.add_argument("--on-missed", choices=("run_once", "skip"),
                     help="fire times missed while down: one job (run_once, default) or none")
    add.add_argument("--disabled", action="store_true", help="add it disabled")
    for action, text in (("enable", "fire again"), ("disable", "stop firing"),
                         ("remove", "delete a schedule"), ("run", "enqueue its job now")):
        actions.add_parser(action, parents=[common], help=text).add_argument("name")
