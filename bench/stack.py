"""A private cluster and PostgREST for one benchmark run, removed afterwards."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from jobsapi.cluster import Cluster, free_port
from jobsapi.migrate import deploy
from jobsapi.paths import STATE_DIR
from jobsapi.postgrest_server import PostgrestProcess, install_postgrest, postgrest_env
from jobsapi.tokens import make_token

from . import BenchError
from .settings import QUEUE

DATABASE = "jobsapi"

# The ceilings' targets. They go into api because PostgREST serves only that
# schema; a deploy rebuilds api, and this cluster is thrown away anyway.
BENCH_OBJECTS = """
CREATE SCHEMA bench;
CREATE TABLE bench.scratch (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload jsonb NOT NULL
);
CREATE FUNCTION api.bench_ping() RETURNS int LANGUAGE sql STABLE AS 'SELECT 1';
CREATE FUNCTION api.bench_insert() RETURNS void LANGUAGE sql
AS $$INSERT INTO bench.scratch (payload) VALUES ('{"n": 1}')$$;
GRANT USAGE ON SCHEMA bench TO jobs_admin;
GRANT INSERT ON bench.scratch TO jobs_admin;
GRANT EXECUTE ON FUNCTION api.bench_ping(), api.bench_insert() TO jobs_admin;
"""


@dataclass(frozen=True)
class BenchStack:
    workdir: Path
    pg_port: int
    api_url: str
    token: str  # jobs_admin
    worker_token: str  # jobs_worker, allowed the bench queue


    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/{DATABASE}"

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _check_api(stack: BenchStack) -> None:
    for path in ("/rpc/bench_ping", "/rpc/bench_insert"):
        response = httpx.post(stack.api_url + path, json={}, headers=stack.auth)
        if response.status_code >= 300:
            raise BenchError(f"POST {path} answered {response.status_code}: {response.text}")


@contextmanager
def running_stack() -> Iterator[BenchStack]:
    """Cluster (default durability) + schema + PostgREST on free ports."""
    workdir = Path(tempfile.mkdtemp(prefix="jobsapi-bench-"))
    workdir.chmod(0o755)  # the postgres user must reach the data directory inside
    cluster = Cluster(workdir / "pgdata", free_port())
    server: PostgrestProcess | None = None
    try:
        cluster.init()
        cluster.start()
        dsn = f"postgresql://postgres@127.0.0.1:{cluster.port}/{DATABASE}"
        deploy(dsn)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(BENCH_OBJECTS)
        secret = secrets.token_urlsafe(48)
        db_uri = f"postgresql://authenticator@127.0.0.1:{cluster.port}/{DATABASE}"
        server = PostgrestProcess(
            binary=install_postgrest(STATE_DIR / "bin"),
            env=postgrest_env(db_uri, secret, free_port()),
            logfile=workdir / "postgrest.log",
        )
        server.start()  # after BENCH_OBJECTS, so its schema cache already has them
        stack = BenchStack(workdir, cluster.port, server.url,
                           make_token(secret, "jobs_admin", "bench"),
                           make_token(secret, "jobs_worker", "bench", queues=[QUEUE]))
        _check_api(stack)
        yield stack
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
