"""The monitoring commands of `jobsapi`: metrics (Prometheus text), whoami
(what a token is and may do) and dashboard (the web page's address). Each is
one call of jobsapi.Client."""

from __future__ import annotations

import argparse
import sys

from . import cli_output as out
from .cli_jobs import client_for


def cmd_metrics(args: argparse.Namespace) -> int:
    """jobsapi metrics: what a Prometheus scrape of GET /rpc/metrics reads."""
    with client_for(args) as client:
        sys.stdout.write(client.metrics())
    return out.OK


def cmd_whoami(args: argparse.Namespace) -> int:
    """jobsapi whoami: the token's role, subject, scope and routes."""
    with client_for(args) as client:
        me = client.whoami()
    if args.json:
        out.print_json(me)
        return out.OK
    scope = ("every job" if me.get("everything") else
             f"the jobs of owner {me['owner']}" if me.get("owner") else
             f"the jobs of queues {', '.join(me.get('queues') or []) or '(none)'}")
    print(f"{me.get('role')} {me.get('sub')}: sees {scope}")
    for route, verbs in sorted((me.get("routes") or {}).items()):
        print(f"  {' '.join(verbs):<22} /{route}")
    return out.OK


def cmd_dashboard(args: argparse.Namespace) -> int:
    """jobsapi dashboard: the dashboard's address, with the token."""
    with client_for(args) as client:
        print(client.dashboard_url())
    return out.OK


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the monitoring commands; common holds --url, --token and --json."""
    for name, func, text in (
            ("metrics", cmd_metrics, "print the Prometheus metrics (worker, admin or "
             "jobs_metrics token)"),
            ("whoami", cmd_whoami, "what the token is, sees and may use"),
            ("dashboard", cmd_dashboard, "print the dashboard's address, token included")):
        sub.add_parser(name, parents=[common], help=text, description=text).set_defaults(func=func)
