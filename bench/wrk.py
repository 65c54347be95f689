"""Run wrk against one PostgREST endpoint and read its request rate."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

from . import BenchError
from .settings import CLIENTS, SECONDS, THREADS
from .stack import BenchStack

INSTALL_HINT = "wrk is needed: apt-get install wrk (make bench installs it when run as root)"

LUA = """
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = [==[{authorization}]==]
"""


def wrk_rps(stack: BenchStack, name: str, path: str, body: object,
            connections: int = CLIENTS, seconds: int = SECONDS) -> float:
    """Requests per second of POST `path` with a JSON `body`; every answer must be 2xx."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError(INSTALL_HINT)
    script = stack.workdir / f"{name}.lua"
    script.write_text(LUA.format(body=json.dumps(body),
                                 authorization=stack.auth["Authorization"]))
    cmd = [wrk, "--threads", str(min(THREADS, connections)), "--connections", str(connections),
           "--duration", f"{seconds}s", "--script", str(script), stack.api_url + path]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    output = proc.stdout + proc.stderr
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if proc.returncode != 0 or rps is None or re.search(r"Non-2xx|Socket errors", output):
        raise BenchError(f"wrk {name} failed:\n{output}")
    return float(rps.group(1))
