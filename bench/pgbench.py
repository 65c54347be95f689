"""Run pgbench with a custom one-statement script and read its transaction rate.

Prepared statements, as psycopg (after a few runs of a query) and PostgREST
use them: otherwise planning the insert through the api.jobs view weighs
more than the insert.
"""

from __future__ import annotations

import re
import subprocess

from jobsapi.server.cluster import pg_bindir

from . import BenchError
from .settings import CLIENTS, SECONDS, THREADS
from .stack import DATABASE, BenchStack


def pgbench_tps(stack: BenchStack, name: str, statement: str,
                clients: int = CLIENTS, seconds: int = SECONDS) -> float:
    """Transactions per second of `statement`, one per transaction, over `clients` connections."""
    script = stack.workdir / f"{name}.sql"
    script.write_text(statement.strip() + "\n")
    cmd = [str(pg_bindir() / "pgbench"), "--no-vacuum", "--protocol", "prepared",
           "--file", str(script),
           "--client", str(clients), "--jobs", str(min(THREADS, clients)),
           "--time", str(seconds), "--host", "127.0.0.1", "--port", str(stack.pg_port),
           "--username", "postgres", DATABASE]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    output = proc.stdout + proc.stderr
    failed = re.search(r"number of failed transactions: (\d+)", output)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    if proc.returncode != 0 or tps is None or (failed and int(failed.group(1))):
        raise BenchError(f"pgbench {name} failed:\n{output}")
    return float(tps.group(1))
