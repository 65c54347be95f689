"""The `jobsapi` commands of the server side: the local stack (up, down),
deploying (migrate), tokens and worker logins. The client's commands are
in ../cli_jobs.py and ../cli_housekeeping.py."""

from __future__ import annotations

import argparse
import os
import secrets
import sys

import psycopg
from psycopg import sql

from .migrate import deploy, set_authenticator_password
from .stack import Stack, jwt_secret, with_user
from .tokens import make_token


def up(args: argparse.Namespace) -> int:
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
    # The token rides in the fragment, which the browser never sends to a server.
    print(f"dashboard: {url}/rpc/dashboard#token={token}")
    return 0


def down(args: argparse.Namespace) -> int:
    """jobsapi down: stop what up started."""
    Stack().down()
    print("jobsapi is down")
    return 0


def migrate(args: argparse.Namespace) -> int:
    """jobsapi migrate: apply migrations/ then sql/."""
    url = args.database_url or Stack().database_url()
    for note in deploy(url):
        print(note)
    password = os.environ.get("JOBSAPI_AUTHENTICATOR_PASSWORD")
    if password:
        set_authenticator_password(url, password)
    print("migrations and sql/ applied")
    return 0


def worker_login(args: argparse.Namespace) -> int:
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


def token(args: argparse.Namespace) -> int:
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
