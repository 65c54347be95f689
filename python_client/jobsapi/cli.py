"""The `jobsapi` command: the local stack (up, down, migrate, token), the
jobs of a running server (submit, list, show, cancel, retry, stats, queues,
pause, resume, watch, worker) and its housekeeping (maintain, schedules)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from . import cli_housekeeping, cli_jobs, cli_monitoring, cli_output
from .errors import JobsApiError, SetupError

# The roles a token may name (the server signs it: `jobsapi token`).
ROLES = ("jobs_user", "jobs_worker", "jobs_admin", "jobs_metrics")


def server_command(name: str) -> Callable[[argparse.Namespace], int]:
    """A command of jobsapi.server, imported when it runs: the client and
    worker install without the server's packages."""
    def run(args: argparse.Namespace) -> int:
        try:
            from .server import commands
        except ImportError as exc:
            raise SetupError(f"`jobsapi {args.command}` needs the server side:"
                             f" pip install 'jobsapi[server]' ({exc})") from exc
        result: int = getattr(commands, name)(args)
        return result
    return run


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(prog="jobsapi", description=__doc__,
                                     epilog=cli_output.EXIT_CODES_HELP,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default=os.environ.get("JOBSAPI_URL"),
                        help="API URL (default: JOBSAPI_URL, else http://127.0.0.1:3000)")
    common.add_argument("--token", default=os.environ.get("JOBSAPI_TOKEN"),
                        help="JWT (default: JOBSAPI_TOKEN)")
    common.add_argument("--json", action="store_true", help="print JSON instead of tables")

    up = sub.add_parser("up", help="start the local stack (cluster, migrations, PostgREST)")
    up.add_argument("--ttl", type=int, default=24 * 3600, help="admin token lifetime, seconds")
    up.set_defaults(func=server_command("up"))

    sub.add_parser("down", help="stop what `up` started").set_defaults(func=server_command("down"))

    migrate = sub.add_parser("migrate", help="apply migrations/ then sql/")
    migrate.add_argument("--database-url", help="default: DATABASE_URL or the local cluster")
    migrate.set_defaults(func=server_command("migrate"))

    token = sub.add_parser("token", help="print a JWT the running instance accepts")
    token.add_argument("--role", choices=ROLES, required=True)
    token.add_argument("--sub", required=True, help="the caller's name (JWT subject)")
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds; 0 = never expires")
    token.add_argument("--queues", help="worker tokens: the queues it may claim from, "
                                        "comma-separated ('*' for every queue)")
    token.set_defaults(func=server_command("token"))

    login = sub.add_parser("worker-login", help="a database login for a worker that connects "
                           "directly, limited to some queues (prints its JOBSAPI_DSN)")
    login.add_argument("name", help="the login role to create (or give a new password)")
    login.add_argument("--queues", required=True,
                       help="the queues it may work on, comma-separated ('*' for every queue)")
    login.add_argument("--database-url", help="default: DATABASE_URL or the local cluster")
    login.set_defaults(func=server_command("worker_login"))

    cli_jobs.add_parsers(sub, common)
    cli_housekeeping.add_parsers(sub, common)
    cli_monitoring.add_parsers(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the jobsapi command; returns its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SetupError as exc:
        print(f"jobsapi: {exc}", file=sys.stderr)
        return cli_output.USAGE
    except JobsApiError as exc:
        print(f"jobsapi: {exc}", file=sys.stderr)
        return cli_output.exit_code(exc)


if __name__ == "__main__":
    sys.exit(main())
