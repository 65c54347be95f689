"""A private cluster and PostgREST for one benchmark run, removed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

from jobsapi.server.stack import throwaway_stack
from jobsapi.server.tokens import make_token

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
    pg_pid: int  # the postmaster
    postgrest_pid: int

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
    def add_bench_objects(dsn: str) -> None:
        # Before PostgREST starts, so that its schema cache has them.
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(BENCH_OBJECTS)

    with throwaway_stack("jobsapi-bench-", database=DATABASE,
                         before_postgrest=add_bench_objects) as made:
        assert made.postgrest is not None
        postgrest_pid = made.postgrest.pid()
        assert postgrest_pid is not None
        postmaster_pid = int((made.cluster.datadir / "postmaster.pid").read_text().split()[0])
        stack = BenchStack(made.workdir, made.cluster.port, made.postgrest.url,
                           make_token(made.secret, "jobs_admin", "bench"),
                           make_token(made.secret, "jobs_worker", "bench", queues=[QUEUE]),
                           postmaster_pid, postgrest_pid)
        _check_api(stack)
        yield stack
