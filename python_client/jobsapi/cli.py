"""The `jobsapi` command: the local stack (up, down, migrate, token), the
jobs of a running server (submit, list, show, cancel, retry, stats, queues,
pause, resume, watch, worker) and its housekeeping (maintain, schedules)."""

from __future__ import annotations

import argparse
import os
import secrets
import sys

import psycopg
from psycopg import sql

from . import cli_housekeeping, cli_jobs, cli_output
from .errors import JobsApiError, SetupError
from .migrate import deploy, set_authenticator_password
from .stack import Stack, jwt_secret, with_user
from .tokens import ROLES, make_token


def cmd_up(args: argparse.Namespace) -> int:
    """jobsapi up: start the local stack and print how to reach it."""
    stack = Stack()
    url = stack.up()
    token = make_token(jwt_secret(), "jobs_admin", "admin", ttl_seconds=args.ttl)
    print(f"jobsapi is up at {url}")
    where = (stack.database_url() if stack.external_database
             else f"private cluster in {stack.state_dir / 'pgdata'}")
    print(f"database: {where}")
    for note in stack.notes:
        print(note)
    print("admin token (for the jobsapi command and the Python client):")
    print(f"export JOBSAPI_URL={url}")
    print(f"export JOBSAPI_TOKEN={token}")
    print(f'try: curl -H "Authorization: Bearer $JOBSAPI_TOKEN" {url}/jobs')
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    """jobsapi down: stop what up started."""
    Stack().down()
    print("jobsapi is down")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """jobsapi migrate: apply migrations/ then sql/."""
    url = args.database_url or Stack().database_url()
    for note in deploy(url):
        print(note)
    password = os.environ.get("JOBSAPI_AUTHENTICATOR_PASSWORD")
    if password:
        set_authenticator_password(url, password)
    print("migrations and sql/ applied")
    return 0


def cmd_worker_login(args: argparse.Namespace) -> int:
    """jobsapi worker-login NAME --queues Q1,Q2: a database login for a worker
    that connects directly (to LISTEN), limited to those queues."""
    url = args.database_url or Stack().database_url()
    queues = [q.strip() for q in args.queues.split(",") if q.strip()]
    password = secrets.token_urlsafe(24)
    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        exists = conn.execute("SELECT FROM pg_roles WHERE rolname = %s", (args.name,)).fetchone()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(args.name), sql.Literal(password)))
        conn.execute(sql.SQL("GRANT jobs_worker TO {}").format(sql.Identifier(args.name)))
        conn.execute("INSERT INTO jobs.worker_login (role_name, queues) VALUES (%s, %s)"
                     " ON CONFLICT (role_name) DO UPDATE SET queues = excluded.queues",
                     (args.name, queues))
    print(f"login {args.name} may work on: {', '.join(queues)}")
    print(f"export JOBSAPI_DSN={with_user(url, args.name, password)}")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    """jobsapi token: print a token signed with the stack's secret."""
    ttl = None if args.ttl == 0 else args.ttl
    claims: dict[str, object] = {}
    if args.queues is not None:
        claims["queues"] = [q.strip() for q in args.queues.split(",") if q.strip()]
    elif args.role == "jobs_worker":
        print("a worker token needs --queues (comma-separated names, or '*' for every queue)",
              file=sys.stderr)
        return 2
    print(make_token(jwt_secret(), args.role, args.sub, ttl_seconds=ttl, **claims))
    return 0


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
    up.set_defaults(func=cmd_up)

    sub.add_parser("down", help="stop what `up` started").set_defaults(func=cmd_down)

    migrate = sub.add_parser("migrate", help="apply migrations/ then sql/")
    migrate.add_argument("--database-url", help="default: DATABASE_URL or the local cluster")
    migrate.set_defaults(func=cmd_migrate)

    token = sub.add_parser("token", help="print a JWT the running instance accepts")
    token.add_argument("--role", choices=ROLES, required=True)
    token.add_argument("--sub", required=True, help="the caller's name (JWT subject)")
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds; 0 = never expires")
    token.add_argument("--queues", help="worker tokens: the queues it may claim from, "
                                        "comma-separated ('*' for every queue)")
    token.set_defaults(func=cmd_token)

    login = sub.add_parser("worker-login", help="a database login for a worker that connects "
                           "directly, limited to some queues (prints its JOBSAPI_DSN)")
    login.add_argument("name", help="the login role to create (or give a new password)")
    login.add_argument("--queues", required=True,
                       help="the queues it may work on, comma-separated ('*' for every queue)")
    login.add_argument("--database-url", help="default: DATABASE_URL or the local cluster")
    login.set_defaults(func=cmd_worker_login)

    cli_jobs.add_parsers(sub, common)
    cli_housekeeping.add_parsers(sub, common)
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
