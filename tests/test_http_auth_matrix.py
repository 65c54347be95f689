"""Who may call which route, and what each caller sees, through the real PostgREST.

Every public route of schema api (each view with GET, POST, PATCH and DELETE,
each RPC) is tried by every kind of caller over one realistic data set:
alice's jobs in queue q, bob's in queue q2, run by the workers w1 (token
queues ["q"]) and w2 (["q2"]). The rules, from sql/20_internals/callers.sql,
sql/50_policies/ and sql/90_privileges.sql:

- no token, a bad signature, an expired token, an unknown role, and a user or
  worker token without sub: 401 with PostgREST's JSON error, on every route;
- a route the role has no grant for: 403;
- a job outside the caller's scope (users: owner = sub; workers: the queues of
  their token; admins: all) does not exist for it: reads leave it out, writes
  reach no row, RPCs that name it answer 404;
- counts, statistics and analyst views only aggregate the caller's scope.

Each cell also checks that a refused call (4xx) changed nothing, that a
scoped caller never changed a row outside its scope, and that no response
holds a marker of the other party's data.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import psycopg
import pytest

from conftest import EMPTIED, Api  # the client of the api fixture, the tables it empties
from jobsapi.server.tokens import make_token

RETURN = {"Prefer": "return=representation"}


# --- callers ------------------------------------------------------------------------

ROLE_CALLERS = ("alice", "bob", "worker", "admin")
BAD_CALLERS = ("no-token", "bad-signature", "expired", "unknown-role", "user-without-sub",
               "worker-without-sub")


def unsigned_sub_token(api, role: str, **claims: Any) -> str:
    """A correctly signed token without a sub claim (make_token always sets one)."""
    payload = {"role": role, "exp": int(time.time()) + 3600, **claims}
    return jwt.encode(payload, api.secret, algorithm="HS256")


TOKENS: dict[str, Callable[[Any], str | None]] = {
    "alice": lambda api: api.token("jobs_user", "alice"),
    "bob": lambda api: api.token("jobs_user", "bob"),
    "worker": lambda api: api.token("jobs_worker", "w1", queues=["q"]),
    "admin": lambda api: api.token("jobs_admin", "admin"),
    "no-token": lambda api: None,
    "bad-signature": lambda api: make_token("not-the-secret-" + "x" * 40, "jobs_admin", "admin"),
    # PostgREST allows 30 s of clock skew on exp: expire it well before that.
    "expired": lambda api: make_token(api.secret, "jobs_admin", "admin", ttl_seconds=-120),
    "unknown-role": lambda api: make_token(api.secret, "jobs_nobody", "alice"),
    "user-without-sub": lambda api: unsigned_sub_token(api, "jobs_user"),
    "worker-without-sub": lambda api: unsigned_sub_token(api, "jobs_worker", queues=["q"]),
}


def as_caller(api, caller: str, **headers: str) -> dict[str, Any]:
    """Keyword arguments for api.request: the caller's Authorization header, if any."""
    token = TOKENS[caller](api)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return {"role": None, "headers": headers}


@dataclass(frozen=True)
class Scope:
    sub: str
    sql: str                                  # over jobs.job AS j
    holds: Callable[[dict[str, Any]], bool]   # over a row of jobs.job


SCOPES = {
    "alice": Scope("alice", "j.owner = 'alice'", lambda job: job["owner"] == "alice"),
    "bob": Scope("bob", "j.owner = 'bob'", lambda job: job["owner"] == "bob"),
    "worker": Scope("w1", "j.queue = 'q'", lambda job: job["queue"] == "q"),
    "admin": Scope("admin", "TRUE", lambda job: True),
}

# Strings that only the data a caller may not see contains: bob's jobs are
# named bob-secret and carry {"secret": "bob"}, his events name him; alice's
# ETL runs (queue etl, outside worker w1's token) come from alice-private-crm.
MARKERS = {"alice": ("bob",), "bob": ("alice",), "worker": ("bob", "alice-private")}


# --- the client and the seed -----------------------------------------------------------
#
# The seed is built once per module over HTTP, by the owning users and the
# workers, then copied aside; each test puts that copy back (tables and ledgers
# as they were, triggers off). The conftest api fixture empties the tables with
# TRUNCATE, ~50 ms a test: too slow for a matrix of ~1,100 cells.

class MatrixClient(Api):
    """The conftest client, with one open database connection for sql()."""

    def __init__(self, url: str, secret: str, database_url: str) -> None:
        super().__init__(url, secret, database_url)
        self.conn = psycopg.connect(database_url, autocommit=True)
        self.seed_ids: dict[str, int] = {}

    def sql(self, query: str, *params: object) -> list[tuple]:
        cur = self.conn.execute(query, params or None)
        return cur.fetchall() if cur.description else []

    def close(self) -> None:
        self.client.close()
        self.conn.close()


SEED_TABLES = EMPTIED
SEED_COPY = "auth_matrix_seed"
EMPTY = ("TRUNCATE " + ", ".join(f"jobs.{t}" for t in SEED_TABLES) + " RESTART IDENTITY;"
         " INSERT INTO jobs.maintenance DEFAULT VALUES")
SAVE_SEED = (f"DROP SCHEMA IF EXISTS {SEED_COPY} CASCADE; CREATE SCHEMA {SEED_COPY};"
             + "".join(f" CREATE TABLE {SEED_COPY}.{t} AS TABLE jobs.{t};" for t in SEED_TABLES))
RESTORE_SEED = (
    "BEGIN; SET LOCAL session_replication_role = replica;"
    + "".join(f" DELETE FROM jobs.{t};" for t in SEED_TABLES)
    + "".join(f" INSERT INTO jobs.{t} OVERRIDING SYSTEM VALUE TABLE {SEED_COPY}.{t};"
              for t in SEED_TABLES)
    + "".join(f" SELECT setval(pg_get_serial_sequence('jobs.{t}', 'id'),"
              f" coalesce(max(id), 0) + 1, false) FROM jobs.{t};"
              for t in ("job", "job_event", "job_file"))
    + " COMMIT;")


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def build_seed(api: MatrixClient) -> dict[str, int]:
    """The data set, made through the routes by its owners; answers the ids by name."""
    alice, bob, admin = (TOKENS[caller](api) for caller in ("alice", "bob", "admin"))
    w1 = api.token("jobs_worker", "w1", queues=["q"])
    w2 = api.token("jobs_worker", "w2", queues=["q2"])

    def call(token: str, method: str, path: str, body: Any, status: int) -> Any:
        return ok(api.request(method, path, json=body, role=None,
                              headers={"Authorization": f"Bearer {token}", **RETURN}), status)

    def post(token: str, path: str, body: Any) -> list[dict[str, Any]]:
        return call(token, "POST", path, body, 201)

    def rpc(token: str, name: str, args: dict[str, Any]) -> Any:
        return call(token, "POST", f"/rpc/{name}", args, 200)

    def claim(token: str, worker: str, queue: str, count: int) -> list[int]:
        return [job["id"] for job in rpc(token, "claim_jobs", {
            "queues": [queue], "worker": worker, "max_jobs": count, "lease_seconds": 3600})]

    ids: dict[str, int] = {}
    # Three jobs each for the workers: one completes, one fails, one keeps running.
    rows = post(alice, "/jobs", [
        {"name": "alice-report", "queue": "q", "payload": {"for": "alice"}, "locks": []},
        {"name": "alice-import", "queue": "q", "payload": {"for": "alice"}, "locks": []},
        {"name": "alice-report", "queue": "q", "payload": {"for": "alice"},
         "locks": ["flow:alice"]}])
    ids["a_done"], ids["a_failed"], ids["a_running"] = (row["id"] for row in rows)
    rows = post(bob, "/jobs", [
        {"name": "bob-secret", "queue": "q2", "payload": {"secret": "bob"}, "locks": []},
        {"name": "bob-secret", "queue": "q2", "payload": {"secret": "bob"}, "locks": []},
        {"name": "bob-secret", "queue": "q2", "payload": {"secret": "bob"},
         "locks": ["flow:bob"]}])
    ids["b_done"], ids["b_failed"], ids["b_running"] = (row["id"] for row in rows)
    assert claim(w1, "w1", "q", 3) == [ids["a_done"], ids["a_failed"], ids["a_running"]]
    assert claim(w2, "w2", "q2", 3) == [ids["b_done"], ids["b_failed"], ids["b_running"]]
    rpc(w1, "complete_job", {"job_id": ids["a_done"], "worker": "w1", "num_success": 3,
                             "result": {"rows": 3}})
    rpc(w1, "fail_job", {"job_id": ids["a_failed"], "worker": "w1", "error": "alice-import broke",
                         "retry": False})
    rpc(w2, "complete_job", {"job_id": ids["b_done"], "worker": "w2", "num_success": 7,
                             "result": {"secret": "bob"}})
    rpc(w2, "fail_job", {"job_id": ids["b_failed"], "worker": "w2", "error": "bob-secret broke",
                         "retry": False})
    # A failed retry, so that retry_failed_retries has work for bob.
    ids["b_retry"] = rpc(bob, "retry_job", {"job_id": ids["b_failed"]})["id"]
    assert claim(w2, "w2", "q2", 1) == [ids["b_retry"]]
    rpc(w2, "fail_job", {"job_id": ids["b_retry"], "worker": "w2", "error": "bob-secret again",
                         "retry": False})
    # One queued job each, submitted after the claims.
    ids["a_queued"] = post(alice, "/jobs", {"name": "alice-later", "queue": "q"})[0]["id"]
    ids["b_queued"] = post(bob, "/jobs", {"name": "bob-secret", "queue": "q2",
                                          "payload": {"secret": "bob"}})[0]["id"]
    ids["a_file"] = post(alice, "/job_files", {
        "job_id": ids["a_done"], "name": "alice-report.csv", "host": "h1",
        "path": "/out/alice-report.csv", "size_bytes": 2048})[0]["id"]
    ids["b_file"] = post(bob, "/job_files", {
        "job_id": ids["b_done"], "name": "bob-secret.csv", "host": "h2",
        "path": "/out/bob-secret.csv", "size_bytes": 4096})[0]["id"]
    # ETL runs of one shared name, a finished and a live one each; bob's
    # success is the newer, so last_success shows whose run it answered.
    now = datetime.now(timezone.utc)
    for who, token, source, hours in (("a", alice, "alice-private-crm", 2),
                                      ("b", bob, "bob-crm", 1)):
        run = post(token, "/etl_jobs", {
            "name": "etl-nightly", "status": "in_progress", "source": source,
            "destination": "dwh", "start_date": (now - timedelta(hours=hours)).isoformat()})[0]
        call(token, "PATCH", f"/etl_jobs?id=eq.{run['id']}",
             {"status": "success", "records_processed": 10}, 200)
        ids[f"{who}_etl_done"] = run["id"]
        ids[f"{who}_etl_live"] = post(token, "/etl_jobs", {
            "name": "etl-nightly", "status": "in_progress", "source": source,
            "destination": "dwh"})[0]["id"]
    # Script locks; the running jobs hold flow:alice and flow:bob since their claim.
    rpc(alice, "acquire_lock", {"name": "report:monthly"})
    rpc(bob, "acquire_lock", {"name": "nightly:shared"})
    post(admin, "/queues", {"name": "spare"})
    # A recurring schedule of the admin's, due only next year.
    post(admin, "/schedules", {"name": "yearly-report", "cron": "0 0 1 1 *",
                               "job_name": "admin-yearly", "queue": "q"})
    # The running jobs started a day ago, far beyond the p95 of their
    # completed namesakes: long_running_jobs lists them whatever the timing.
    api.sql("UPDATE jobs.job SET started_at = started_at - interval '1 day'"
            " WHERE id IN (%s, %s)", ids["a_running"], ids["b_running"])
    return ids


@pytest.fixture(scope="module")
def client(postgrest, jwt_secret: str, http_database: str) -> Iterator[MatrixClient]:
    """The client for the module, over the seed built once."""
    api = MatrixClient(postgrest.url, jwt_secret, http_database)
    try:
        api.sql(EMPTY)
        api.seed_ids = build_seed(api)
        api.sql(SAVE_SEED)
        yield api
        api.sql(f"DROP SCHEMA {SEED_COPY} CASCADE")
    finally:
        api.close()


@pytest.fixture
def api(client: MatrixClient) -> MatrixClient:
    """In this module, conftest's api is the module's client over a fresh copy of the seed."""
    client.sql(RESTORE_SEED)
    return client


@pytest.fixture
def seed(api: MatrixClient) -> dict[str, int]:
    """The ids of the seed's rows by name."""
    return api.seed_ids


# --- snapshots ------------------------------------------------------------------------

SNAPSHOT = """
SELECT jsonb_build_object(
    'jobs', (SELECT coalesce(jsonb_agg(to_jsonb(j) ORDER BY j.id), '[]') FROM jobs.job AS j),
    'events', (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.id), '[]')
               FROM jobs.job_event AS e),
    'files', (SELECT coalesce(jsonb_agg(to_jsonb(f) ORDER BY f.id), '[]')
              FROM jobs.job_file AS f),
    'locks', (SELECT coalesce(jsonb_agg(to_jsonb(h) ORDER BY h.name), '[]')
              FROM jobs.job_lock AS h),
    'queues', (SELECT coalesce(jsonb_agg(to_jsonb(q) ORDER BY q.name), '[]')
               FROM jobs.queue AS q),
    'workers', (SELECT coalesce(jsonb_agg(to_jsonb(w) ORDER BY w.name), '[]')
                FROM jobs.worker AS w),
    'schedules', (SELECT coalesce(jsonb_agg(to_jsonb(s) ORDER BY s.name), '[]')
                  FROM jobs.schedule AS s),
    'maintenance', (SELECT to_jsonb(m) FROM jobs.maintenance AS m),
    'worker_logins', (SELECT coalesce(jsonb_agg(to_jsonb(w) ORDER BY w.role_name), '[]')
                      FROM jobs.worker_login AS w))
"""


def snapshot(api) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a route can change."""
    return api.sql(SNAPSHOT)[0][0]


def foreign(snap: dict[str, list[dict[str, Any]]], caller: str) -> dict[str, list]:
    """The rows outside the caller's scope: jobs, their events and files, and the
    locks it neither took nor sees through a job."""
    scope = SCOPES[caller]
    mine = {job["id"] for job in snap["jobs"] if scope.holds(job)}
    return {
        "jobs": [j for j in snap["jobs"] if j["id"] not in mine],
        "events": [e for e in snap["events"] if e["job_id"] not in mine],
        "files": [f for f in snap["files"] if f["job_id"] not in mine],
        "locks": [h for h in snap["locks"]
                  if h["worker"] != scope.sub and h["job_id"] not in mine],
    }


def error_body(response: httpx.Response) -> dict[str, Any]:
    """PostgREST's JSON error."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]
    return body


# --- the matrix -----------------------------------------------------------------------
#
# One row per request; one cell per caller: the status it must get. A * marks
# a call that changes data; without it the data must stay exactly as it was
# (a read, a refusal, or a write that reaches no row in the caller's scope).
# Paths and bodies name seed rows: {b_queued} in a path, Ref("b_queued") in a body.


class Ref(str):
    """The id of a seed row, filled in at request time."""


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    body: Any
    cells: dict[str, str]
    label: str = ""

    @property
    def id(self) -> str:
        """The request, told apart from the others on its route by label or body."""
        detail = self.label or (json.dumps(self.body, separators=(",", ":"))
                                if self.body is not None else "")
        return f"{self.method} {self.path}" + (f" {detail}" if detail else "")

    @property
    def route(self) -> str:
        return urlsplit(self.path).path


def row(method: str, path: str, body: Any, alice: str, bob: str, worker: str, admin: str,
        label: str = "") -> Row:
    cells = dict(alice=alice, bob=bob, worker=worker, admin=admin)
    for cell in cells.values():
        status = int(cell.rstrip("*"))
        assert not (status >= 400 and cell.endswith("*")), "a refused call changes nothing"
    return Row(method, path, body, cells, label)


def parse_cell(cell: str) -> tuple[int, bool]:
    """A cell's status, and whether the call changes data."""
    return int(cell.rstrip("*")), cell.endswith("*")


A_DONE, A_FAILED, A_RUNNING, A_QUEUED = (Ref(n) for n in ("a_done", "a_failed", "a_running",
                                                           "a_queued"))
B_DONE, B_FAILED, B_RUNNING, B_QUEUED = (Ref(n) for n in ("b_done", "b_failed", "b_running",
                                                           "b_queued"))
CLAIM = {"worker": "w1", "max_jobs": 10, "lease_seconds": 3600}

MATRIX = [
    # method, path, body                                                               alice  bob    worker admin
    # --- /jobs: users submit, adjust and delete their own; workers only read
    row("GET", "/jobs", None,                                                          "200", "200", "200", "200"),
    row("GET", "/jobs?id=eq.{b_running}", None,                                        "200", "200", "200", "200"),
    row("GET", "/jobs?payload->>secret=eq.bob", None,                                  "200", "200", "200", "200"),
    row("GET", "/jobs?select=*,events(*),files(*),retries(*)", None,                   "200", "200", "200", "200"),
    row("GET", "/jobs?select=id,totals,retries(id),duration,queue_time,"
               "estimated_remaining,retriable", None,                                  "200", "200", "200", "200"),
    row("POST", "/jobs", {"name": "new-job", "queue": "q"},                            "201*", "201*", "403", "201*"),
    row("POST", "/jobs", {"name": "new-job", "queue": "q", "owner": "bob"},            "201*", "201*", "403", "201*",
        label="owner in the body"),
    row("POST", "/jobs", {"name": "next", "after_job_id": A_QUEUED},                   "201*", "404", "403", "201*",
        label="after alice's job"),
    row("POST", "/jobs", {"name": "next", "after_job_id": B_QUEUED},                   "404", "201*", "403", "201*",
        label="after bob's job"),
    row("POST", "/jobs", {"name": "new-job", "worker": "w1"},                          "403", "403", "403", "201*",
        label="column only admins set"),
    row("PATCH", "/jobs?id=eq.{a_queued}", {"name": "renamed", "priority": 4},         "204*", "204", "403", "204*"),
    row("PATCH", "/jobs?id=eq.{b_queued}", {"name": "renamed", "priority": 4},         "204", "204*", "403", "204*"),
    # No filter: refused before anything changes (unfiltered_writes.sql).
    row("PATCH", "/jobs", {"priority": 1},                                             "400", "400", "403", "400",
        label="every job in reach"),
    row("PATCH", "/jobs?id=eq.{a_queued}", {"status": "cancelled"},                    "403", "403", "403", "204*"),
    row("DELETE", "/jobs?id=eq.{a_done}", None,                                        "204*", "204", "403", "204*"),
    row("DELETE", "/jobs?id=eq.{b_done}", None,                                        "204", "204*", "403", "204*"),
    # An unfinished job is 409 to whoever sees it, and nothing to anyone else.
    row("DELETE", "/jobs?id=eq.{b_queued}", None,                                      "204", "409", "403", "409"),
    # --- /job_events: read-only for everyone
    row("GET", "/job_events", None,                                                    "200", "200", "200", "200"),
    row("GET", "/job_events?job_id=eq.{b_done}", None,                                 "200", "200", "200", "200"),
    row("POST", "/job_events", {"job_id": A_DONE, "to_status": "queued"},              "403", "403", "403", "403"),
    row("PATCH", "/job_events?job_id=eq.{a_done}", {"message": "edited"},              "403", "403", "403", "403"),
    row("DELETE", "/job_events?job_id=eq.{a_done}", None,                              "403", "403", "403", "403"),
    # --- /job_files: users and workers attach files to the jobs they see
    row("GET", "/job_files", None,                                                     "200", "200", "200", "200"),
    row("GET", "/job_files?job_id=eq.{b_done}", None,                                  "200", "200", "200", "200"),
    row("POST", "/job_files", {"job_id": A_DONE, "name": "extra.log", "kind": "log"},  "201*", "404", "201*", "201*"),
    row("POST", "/job_files", {"job_id": B_DONE, "name": "extra.log", "kind": "log"},  "404", "201*", "404", "201*"),
    row("PATCH", "/job_files?id=eq.{a_file}", {"name": "renamed.csv"},                 "403", "403", "403", "204*"),
    row("DELETE", "/job_files?id=eq.{a_file}", None,                                   "403", "403", "403", "204*"),
    # --- /job_locks: listed to all (in scope); only admins clear one; nobody writes one by hand
    row("GET", "/job_locks", None,                                                     "200", "200", "200", "200"),
    row("POST", "/job_locks", {"name": "by-hand"},                                     "403", "403", "403", "403"),
    row("PATCH", "/job_locks?name=eq.flow:alice", {"worker": "w9"},                    "403", "403", "403", "403"),
    row("DELETE", "/job_locks?name=eq.flow:alice", None,                               "403", "403", "403", "204*"),
    # --- /queues: listed to all; managed by admins
    row("GET", "/queues", None,                                                        "200", "200", "200", "200"),
    row("POST", "/queues", {"name": "new-queue"},                                      "403", "403", "403", "201*"),
    row("PATCH", "/queues?name=eq.q", {"paused": True},                                "403", "403", "403", "204*"),
    row("DELETE", "/queues?name=eq.spare", None,                                       "403", "403", "403", "204*"),
    # --- /workers: listed to all; written only by the functions
    row("GET", "/workers", None,                                                       "200", "200", "200", "200"),
    row("POST", "/workers", {"name": "w9"},                                            "403", "403", "403", "403"),
    row("PATCH", "/workers?name=eq.w2", {"stopped_at": "2026-01-01T00:00:00Z"},        "403", "403", "403", "403"),
    row("DELETE", "/workers?name=eq.w2", None,                                         "403", "403", "403", "403"),
    # --- /etl_jobs: users and admins; not workers
    row("GET", "/etl_jobs", None,                                                      "200", "200", "403", "200"),
    row("GET", "/etl_jobs?name=eq.etl-nightly&status=eq.success&order=end_date.desc&limit=1", None,
                                                                                       "200", "200", "403", "200"),
    row("POST", "/etl_jobs", {"name": "etl-new", "status": "in_progress", "source": "s",
                              "destination": "d"},                                     "201*", "201*", "403", "201*"),
    row("PATCH", "/etl_jobs?id=eq.{b_etl_live}", {"status": "success",
                                                   "records_processed": 7},            "204", "204*", "403", "204*"),
    row("DELETE", "/etl_jobs?id=eq.{b_etl_done}", None,                                "204", "204*", "403", "204*"),
    # --- statistics and analyst views: read-only for everyone
    row("GET", "/job_stats", None,                                                     "200", "200", "200", "200"),
    row("POST", "/job_stats", {"queued": 1},                                           "403", "403", "403", "403"),
    row("PATCH", "/job_stats", {"queued": 1},                                          "403", "403", "403", "403"),
    row("DELETE", "/job_stats", None,                                                  "403", "403", "403", "403"),
    row("GET", "/daily_job_stats", None,                                               "200", "200", "200", "200"),
    row("POST", "/daily_job_stats", {"name": "x"},                                     "403", "403", "403", "403"),
    row("PATCH", "/daily_job_stats", {"name": "x"},                                    "403", "403", "403", "403"),
    row("DELETE", "/daily_job_stats", None,                                            "403", "403", "403", "403"),
    row("GET", "/minute_job_stats", None,                                              "200", "200", "200", "200"),
    row("POST", "/minute_job_stats", {"queue": "x"},                                   "403", "403", "403", "403"),
    row("PATCH", "/minute_job_stats", {"queue": "x"},                                  "403", "403", "403", "403"),
    row("DELETE", "/minute_job_stats", None,                                           "403", "403", "403", "403"),
    row("GET", "/duration_percentiles", None,                                          "200", "200", "200", "200"),
    row("POST", "/duration_percentiles", {"name": "x"},                                "403", "403", "403", "403"),
    row("PATCH", "/duration_percentiles", {"name": "x"},                               "403", "403", "403", "403"),
    row("DELETE", "/duration_percentiles", None,                                       "403", "403", "403", "403"),
    row("GET", "/latest_runs", None,                                                   "200", "200", "200", "200"),
    row("POST", "/latest_runs", {"name": "x"},                                         "403", "403", "403", "403"),
    row("PATCH", "/latest_runs", {"name": "x"},                                        "403", "403", "403", "403"),
    row("DELETE", "/latest_runs", None,                                                "403", "403", "403", "403"),
    row("GET", "/long_running_jobs", None,                                             "200", "200", "200", "200"),
    row("POST", "/long_running_jobs", {"name": "x"},                                   "403", "403", "403", "403"),
    row("PATCH", "/long_running_jobs", {"name": "x"},                                  "403", "403", "403", "403"),
    row("DELETE", "/long_running_jobs", None,                                          "403", "403", "403", "403"),
    row("GET", "/queue_depth", None,                                                   "200", "200", "200", "200"),
    row("POST", "/queue_depth", {"queue": "x"},                                        "403", "403", "403", "403"),
    row("PATCH", "/queue_depth", {"paused": True},                                     "403", "403", "403", "403"),
    row("DELETE", "/queue_depth", None,                                                "403", "403", "403", "403"),
    # --- /schedules: admins only
    row("GET", "/schedules", None,                                                     "403", "403", "403", "200"),
    row("POST", "/schedules", {"name": "hourly", "cron": "0 * * * *", "job_name": "x"}, "403", "403", "403", "201*"),
    row("PATCH", "/schedules?name=eq.yearly-report", {"enabled": False},               "403", "403", "403", "204*"),
    row("DELETE", "/schedules?name=eq.yearly-report", None,                            "403", "403", "403", "204*"),
    # --- /worker_logins: admins only
    row("GET", "/worker_logins", None,                                                 "403", "403", "403", "200"),
    row("POST", "/worker_logins", {"role_name": "w9", "queues": ["q"]},                "403", "403", "403", "201*"),
    row("PATCH", "/worker_logins?role_name=eq.w9", {"queues": ["q2"]},                 "403", "403", "403", "204"),
    row("DELETE", "/worker_logins?role_name=eq.w9", None,                              "403", "403", "403", "204"),
    # --- /maintenance: read by all; admins set the history's retention
    row("GET", "/maintenance", None,                                                   "200", "200", "200", "200"),
    row("POST", "/maintenance", {"history_days": 30},                                  "403", "403", "403", "403"),
    row("PATCH", "/maintenance", {"history_days": 30},                                 "403", "403", "403", "204*"),
    row("DELETE", "/maintenance", None,                                                "403", "403", "403", "403"),
    # --- the OpenAPI document
    row("GET", "/", None,                                                              "200", "200", "200", "200"),
    # --- RPCs
    row("POST", "/rpc/acquire_lock", {"name": "script:new"},                           "200*", "200*", "200*", "200*"),
    row("POST", "/rpc/acquire_lock", {"name": "job:new", "job_id": A_RUNNING},         "200*", "404", "200*", "200*",
        label="for alice's job"),
    row("POST", "/rpc/acquire_lock", {"name": "job:new", "job_id": B_RUNNING},         "404", "200*", "404", "200*",
        label="for bob's job"),
    # Taken by bob: the others learn that it is taken, not by whom.
    row("POST", "/rpc/acquire_lock", {"name": "nightly:shared"},                       "409", "409", "409", "409",
        label="held by bob"),
    row("POST", "/rpc/release_lock", {"name": "nightly:shared"},                       "403", "200*", "403", "200*"),
    row("POST", "/rpc/release_lock", {"name": "report:monthly"},                       "200*", "403", "403", "200*"),
    row("POST", "/rpc/release_lock", {"name": "never-taken"},                          "404", "404", "404", "404"),
    row("POST", "/rpc/cancel_job", {"job_id": A_QUEUED},                               "200*", "404", "403", "200*"),
    row("POST", "/rpc/cancel_job", {"job_id": B_QUEUED},                               "404", "200*", "403", "200*"),
    row("POST", "/rpc/retry_job", {"job_id": A_FAILED},                                "200*", "404", "403", "200*"),
    row("POST", "/rpc/retry_job", {"job_id": B_FAILED},                                "404", "200*", "403", "200*"),
    row("POST", "/rpc/retry_failed_retries", {"job_id": B_FAILED},                     "404", "200*", "403", "200*"),
    row("POST", "/rpc/claim_jobs", {"queues": ["q"], **CLAIM},                         "403", "403", "200*", "200*"),
    row("POST", "/rpc/claim_jobs", {"queues": ["q2"], **CLAIM},                        "403", "403", "403", "200*"),
    row("POST", "/rpc/claim_jobs", {"queues": None, **CLAIM},                          "403", "403", "200*", "200*",
        label="the queues of the token"),
    row("POST", "/rpc/heartbeat", {"job_id": A_RUNNING, "progress": 50},               "403", "403", "200*", "200*"),
    row("POST", "/rpc/heartbeat", {"job_id": B_RUNNING, "progress": 50},               "403", "403", "404", "200*"),
    row("POST", "/rpc/heartbeat_jobs", {"beats": [{"job_id": A_RUNNING, "progress": 5}]}, "403", "403", "200*", "200*"),
    # A batch skips the jobs the caller does not see.
    row("POST", "/rpc/heartbeat_jobs", {"beats": [{"job_id": B_RUNNING, "progress": 5}]}, "403", "403", "200", "200*"),
    row("POST", "/rpc/complete_job", {"job_id": A_RUNNING, "worker": "w1"},            "403", "403", "200*", "200*"),
    row("POST", "/rpc/complete_job", {"job_id": B_RUNNING, "worker": "w2"},            "403", "403", "404", "200*"),
    row("POST", "/rpc/complete_jobs", {"results": [{"job_id": A_RUNNING}]},            "403", "403", "200*", "200*"),
    # A batch skips the jobs the caller does not see.
    row("POST", "/rpc/complete_jobs", {"results": [{"job_id": B_RUNNING}]},            "403", "403", "200", "200*"),
    row("POST", "/rpc/fail_job", {"job_id": A_RUNNING, "worker": "w1", "error": "x"},  "403", "403", "200*", "200*"),
    row("POST", "/rpc/fail_job", {"job_id": B_RUNNING, "worker": "w2", "error": "x"},  "403", "403", "404", "200*"),
    row("POST", "/rpc/fail_jobs", {"failures": [{"job_id": A_RUNNING, "error": "x"}]}, "403", "403", "200*", "200*"),
    row("POST", "/rpc/fail_jobs", {"failures": [{"job_id": B_RUNNING, "error": "x"}]}, "403", "403", "200", "200*"),
    # No lease has expired and nothing is old enough: allowed, changes nothing.
    row("POST", "/rpc/reap_expired_leases", {},                                        "403", "403", "200", "200"),
    # Maintenance records its run: it changes data even with nothing to do.
    row("POST", "/rpc/run_maintenance", {},                                            "403", "403", "200*", "200*"),
    row("POST", "/rpc/run_schedule", {"name": "yearly-report"},                        "403", "403", "403", "200*"),
    row("POST", "/rpc/next_due", {"queues": ["q"]},                                    "403", "403", "200", "200"),
    row("POST", "/rpc/next_due", {"queues": ["q2"]},                                   "403", "403", "403", "200"),
    row("POST", "/rpc/prune_jobs", {"batch_size": 100},                                "403", "403", "403", "200"),
    row("POST", "/rpc/cleanup_jobs", {"max_age_hours": 1},                             "403", "403", "403", "200"),
    row("POST", "/rpc/stop_worker", {"worker": "w2"},                                  "403", "403", "200*", "200*"),
    row("POST", "/rpc/queue_jobs", {"queue": "q2", "status": "queued"},                "200", "200", "200", "200"),
    row("POST", "/rpc/queue_jobs", {"queue": "no-such-queue"},                         "404", "404", "404", "404"),
    row("GET", "/rpc/queue_jobs?queue=q&status=failed", None,                          "200", "200", "200", "200"),
    row("POST", "/rpc/last_success", {"name": "etl-nightly"},                          "200", "200", "200", "200"),
    row("GET", "/rpc/last_success?name=etl-nightly", None,                             "200", "200", "200", "200"),
    # --- monitoring: who a token is; the Prometheus text for workers and admins
    row("GET", "/rpc/whoami", None,                                                    "200", "200", "200", "200"),
    row("POST", "/rpc/whoami", {},                                                     "200", "200", "200", "200"),
    row("GET", "/rpc/metrics", None,                                                   "403", "403", "200", "200"),
    row("POST", "/rpc/metrics", {},                                                    "403", "403", "200", "200"),
    # --- the dashboard's page and files: open to anyone (no token too, below)
    row("GET", "/rpc/dashboard", None,                                                 "200", "200", "200", "200"),
    row("POST", "/rpc/dashboard", {},                                                  "200", "200", "200", "200"),
    row("GET", "/rpc/dashboard_file?name=index.html", None,                            "200", "200", "200", "200"),
    row("POST", "/rpc/dashboard_file", {"name": "no-such-file.js"},                    "404", "404", "404", "404"),
]

ROWS = {r.id: r for r in MATRIX}
assert len(ROWS) == len(MATRIX), "two matrix rows with one id: give one a label"

# Cells whose actual behaviour contradicts the rules: kept as asserted, marked
# as known failures (strict: they fail the run once fixed, so the mark goes).
FINDINGS: dict[tuple[str, str], str] = {}
BAD_CALLER_FINDINGS: dict[tuple[str, str], str] = {
    (r.id, "unknown-role"): ("PostgREST 12.0.2 answers 400 (SQLSTATE 22023, role does not "
                             "exist) to a validly signed token naming an unknown role")
    for r in MATRIX
}
# Without a token, GET / is PostgREST's OpenAPI document as anon sees it: no
# routes but the dashboard's, no data
# (test_anon_gets_an_openapi_document_with_the_dashboard_alone); and the
# dashboard's page and files are served as to anyone
# (test_a_caller_without_a_token_gets_the_dashboard_alone).
OPEN_TO_ANON = ("/", "/rpc/dashboard", "/rpc/dashboard_file")


def cell_params(findings: dict[tuple[str, str], str], callers: tuple[str, ...]):
    return [pytest.param(r, caller, id=f"{caller}: {r.id}",
                         marks=[pytest.mark.xfail(strict=True, reason=findings[(r.id, caller)])]
                         if (r.id, caller) in findings else [])
            for r in MATRIX for caller in callers
            if caller != "no-token" or r.route not in OPEN_TO_ANON]


def test_anon_gets_an_openapi_document_with_the_dashboard_alone(api, seed):
    response = api.request("GET", "/", **as_caller(api, "no-token"))
    assert response.status_code == 200, response.text
    document = response.json()
    # The dashboard's page and files are open, as a web page is; nothing else.
    assert set(document["paths"]) == {"/", "/rpc/dashboard", "/rpc/dashboard_file"}
    assert not document.get("definitions")


@pytest.mark.parametrize("r", [r for r in MATRIX if r.route in OPEN_TO_ANON[1:]],
                         ids=lambda r: r.id)
def test_a_caller_without_a_token_gets_the_dashboard_alone(api, seed, r):
    before = snapshot(api)
    response = send(api, r, "no-token", seed)
    # As to any role: the page, or 404 for a file it does not have.
    assert response.status_code == int(r.cells["admin"]), response.text
    assert snapshot(api) == before


def fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, Ref):
        return ids[value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def send(api, r: Row, caller: str, ids: dict[str, int]) -> httpx.Response:
    body = fill(r.body, ids)
    if body is None and r.method == "POST":
        body = {}
    return api.request(r.method, r.path.format(**ids), json=body, **as_caller(api, caller))


# --- the matrix tests ------------------------------------------------------------------

@pytest.mark.parametrize(("r", "caller"), cell_params(BAD_CALLER_FINDINGS, BAD_CALLERS))
def test_a_caller_without_valid_credentials_gets_401_everywhere(api, seed, r, caller):
    before = snapshot(api)
    response = send(api, r, caller, seed)
    assert response.status_code == 401, response.text
    body = error_body(response)
    if caller == "no-token":
        # Says what is missing, not "permission denied" for what the route reads.
        assert body["message"] == "a token is needed: send Authorization: Bearer <JWT>"
    assert snapshot(api) == before


@pytest.mark.parametrize(("r", "caller"), cell_params(FINDINGS, ROLE_CALLERS))
def test_each_role_gets_its_status_on_each_route(api, seed, r, caller):
    status, changes = parse_cell(r.cells[caller])
    before = snapshot(api)
    response = send(api, r, caller, seed)
    after = snapshot(api)

    assert response.status_code == status, response.text
    if status >= 400:
        error_body(response)
    if changes:
        assert after != before, "the call was to change data"
    else:
        assert after == before, "the call was to leave the data as it was"
    if caller != "admin":
        # Whatever it did, it did inside its scope.
        assert foreign(after, caller) == foreign(before, caller)
    for marker in MARKERS.get(caller, ()):
        assert marker not in response.text, f"{marker!r} leaked to {caller}"


def test_the_matrix_lists_exactly_the_routes_of_the_openapi_document(api, seed):
    """A new view or RPC without a row in the matrix fails here."""
    response = api.get("/", **as_caller(api, "admin"))
    assert response.status_code == 200, response.text
    paths = response.json()["paths"]
    assert {r.route for r in MATRIX} == set(paths)
    for path, operations in paths.items():
        tried = {r.method.lower() for r in MATRIX if r.route == path}
        if path.startswith("/rpc/"):
            assert "post" in tried, path
        elif path != "/":
            # Every method on every view, whatever the grants or the document offer.
            assert tried >= {"get", "post", "patch", "delete"} | set(operations), path


# --- what each caller reads: exact contents against the tables ----------------------------

def rows_of(api, path: str, caller: str) -> Any:
    return ok(api.get(path, **as_caller(api, caller)))


def scoped(api, caller: str, query: str, *params: Any) -> list[tuple]:
    """A query over the tables with {scope} replaced by the caller's scope on jobs.job AS j."""
    return api.sql(query.replace("{scope}", SCOPES[caller].sql), *params)


def scope_ids(api, caller: str) -> set[int]:
    return {i for (i,) in scoped(api, caller, "SELECT j.id FROM jobs.job AS j WHERE {scope}")}


def status_counts(api, caller: str, queue: str) -> dict[str, int]:
    counts = dict.fromkeys(("scheduled", "queued", "running", "completed", "failed",
                            "cancelling", "cancelled", "paused"), 0)
    counts.update(dict(scoped(api, caller, "SELECT j.status::text, count(*)::int FROM jobs.job AS j"
                                           " WHERE {scope} AND j.queue = %s GROUP BY 1", queue)))
    return counts


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_jobs_and_what_they_embed_are_the_callers_scope(api, seed, caller):
    jobs = rows_of(api, "/jobs?select=id,owner,queue,root_job_id,totals,events(id),files(id),"
                        "retries(id)&order=id", caller)
    assert {j["id"] for j in jobs} == scope_ids(api, caller)
    assert all(SCOPES[caller].holds(j) for j in jobs)
    events = dict(api.sql("SELECT job_id, array_agg(id ORDER BY id) FROM jobs.job_event"
                          " GROUP BY job_id"))
    files = dict(api.sql("SELECT job_id, array_agg(id ORDER BY id) FROM jobs.job_file"
                         " GROUP BY job_id"))
    chains = dict(api.sql("SELECT coalesce(root_job_id, id), count(*)::int FROM jobs.job"
                          " GROUP BY 1"))
    for job in jobs:
        assert [e["id"] for e in job["events"]] == events.get(job["id"], [])
        assert [f["id"] for f in job["files"]] == files.get(job["id"], [])
        # totals counts the whole chain, which is one owner's and one queue's.
        assert job["totals"]["jobs"] == chains[job["root_job_id"] or job["id"]]
    # Bob's chain: the failed job, its failed retry; alice's jobs have none.
    retried = {j["id"]: [r["id"] for r in j["retries"]] for j in jobs if j["retries"]}
    assert retried == ({seed["b_failed"]: [seed["b_retry"]]} if caller in ("bob", "admin")
                       else {})


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_filters_find_no_foreign_job(api, seed, caller):
    found = rows_of(api, "/jobs?payload->>secret=eq.bob&select=id", caller)
    assert {j["id"] for j in found} == ({seed["b_done"], seed["b_failed"], seed["b_running"],
                                         seed["b_retry"], seed["b_queued"]}
                                        if caller in ("bob", "admin") else set())
    one = rows_of(api, f"/jobs?id=eq.{seed['b_running']}&select=id", caller)
    assert one == ([{"id": seed["b_running"]}] if caller in ("bob", "admin") else [])


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_job_events_are_those_of_the_callers_jobs(api, seed, caller):
    events = rows_of(api, "/job_events?select=id&order=id", caller)
    assert [e["id"] for e in events] == [i for (i,) in scoped(
        api, caller, "SELECT e.id FROM jobs.job_event AS e JOIN jobs.job AS j ON j.id = e.job_id"
                     " WHERE {scope} ORDER BY e.id")]
    assert events


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_job_files_are_those_of_the_callers_jobs(api, seed, caller):
    files = rows_of(api, "/job_files?select=id&order=id", caller)
    assert [f["id"] for f in files] == [i for (i,) in scoped(
        api, caller, "SELECT f.id FROM jobs.job_file AS f JOIN jobs.job AS j ON j.id = f.job_id"
                     " WHERE {scope} ORDER BY f.id")]


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_job_locks_are_those_the_caller_took_or_of_its_jobs(api, seed, caller):
    locks = rows_of(api, "/job_locks?select=name&order=name", caller)
    # flow:* are held by the running jobs (taken by their workers), the others
    # by their users through acquire_lock.
    expected = {"alice": ["flow:alice", "report:monthly"], "bob": ["flow:bob", "nightly:shared"],
                "worker": ["flow:alice"],
                "admin": ["flow:alice", "flow:bob", "nightly:shared", "report:monthly"]}
    assert [h["name"] for h in locks] == expected[caller]


@pytest.mark.parametrize("caller", ("alice", "bob", "admin"))
def test_etl_jobs_are_the_callers_runs(api, seed, caller):
    runs = rows_of(api, "/etl_jobs?select=id&order=id", caller)
    assert [r["id"] for r in runs] == [i for (i,) in scoped(
        api, caller, "SELECT j.id FROM jobs.job AS j WHERE j.type = 'etl' AND {scope}"
                     " ORDER BY j.id")]
    assert len(runs) == (4 if caller == "admin" else 2)


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_queues_lists_every_queue_with_counts_of_the_callers_scope(api, seed, caller):
    queues = rows_of(api, "/queues?select=name,counts&order=name", caller)
    assert [q["name"] for q in queues] == [n for (n,) in api.sql(
        "SELECT name FROM jobs.queue ORDER BY name")]
    for queue in queues:
        assert queue["counts"] == status_counts(api, caller, queue["name"]), queue["name"]


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_job_stats_totals_the_callers_scope(api, seed, caller):
    (stats,) = rows_of(api, "/job_stats", caller)
    per_status = dict(scoped(api, caller, "SELECT j.status::text, count(*)::int FROM jobs.job"
                                          " AS j WHERE {scope} GROUP BY 1"))
    assert stats["total_jobs"] == sum(per_status.values())
    for status in ("scheduled", "queued", "running", "completed", "failed", "cancelling",
                   "cancelled"):
        assert stats[status] == per_status.get(status, 0), status
    # Workers are everyone's to see.
    assert stats["total_workers"] == 2


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_workers_lists_every_worker_with_running_jobs_of_the_callers_scope(api, seed, caller):
    workers = rows_of(api, "/workers?select=name,running_jobs&order=name", caller)
    running = dict(scoped(api, caller, "SELECT j.worker, count(*)::int FROM jobs.job AS j"
                                       " WHERE {scope} AND j.status IN ('running', 'cancelling')"
                                       " GROUP BY 1"))
    assert workers == [{"name": w, "running_jobs": running.get(w, 0)} for w in ("w1", "w2")]


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_daily_job_stats_count_the_callers_finished_jobs(api, seed, caller):
    finished: Counter = Counter()
    for r in rows_of(api, "/daily_job_stats", caller):
        finished[(r["queue"], r["name"])] += r["finished"]
    expected = scoped(api, caller, "SELECT j.queue, j.name, count(*)::int FROM jobs.job AS j"
                                   " WHERE {scope} AND j.status IN ('completed', 'failed',"
                                   " 'cancelled') GROUP BY 1, 2")
    assert dict(finished) == {(q, n): c for q, n, c in expected}
    assert finished


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_duration_percentiles_count_the_callers_completed_runs(api, seed, caller):
    runs = {(r["queue"], r["name"]): r["runs"]
            for r in rows_of(api, "/duration_percentiles", caller)}
    expected = scoped(api, caller, "SELECT j.queue, j.name, count(*)::int FROM jobs.job AS j"
                                   " WHERE {scope} AND j.status = 'completed' GROUP BY 1, 2")
    assert runs == {(q, n): c for q, n, c in expected}
    assert runs


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_latest_runs_are_the_callers_newest_job_of_each_name(api, seed, caller):
    latest = {r["name"]: r["job_id"] for r in rows_of(api, "/latest_runs", caller)}
    assert latest == dict(scoped(api, caller, "SELECT j.name, max(j.id) FROM jobs.job AS j"
                                              " WHERE {scope} GROUP BY 1"))
    # The name both users run answers each user's own run.
    if caller in ("alice", "bob"):
        assert latest["etl-nightly"] == seed[f"{caller[0]}_etl_live"]


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_long_running_jobs_are_the_callers(api, seed, caller):
    jobs = rows_of(api, "/long_running_jobs?select=id&order=id", caller)
    mine = scope_ids(api, caller)
    assert [j["id"] for j in jobs] == [i for i in (seed["a_running"], seed["b_running"])
                                      if i in mine]


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_queue_depth_counts_the_callers_jobs(api, seed, caller):
    depth = {r["queue"]: (r["waiting"], r["scheduled"], r["running"])
             for r in rows_of(api, "/queue_depth", caller)}
    assert set(depth) == {n for (n,) in api.sql("SELECT name FROM jobs.queue")}
    for queue, (waiting, scheduled, running) in depth.items():
        counts = status_counts(api, caller, queue)
        assert (waiting, scheduled, running) == (counts["queued"], counts["scheduled"],
                                                 counts["running"]), queue


@pytest.mark.parametrize("caller", ROLE_CALLERS)
@pytest.mark.parametrize(("queue", "status"), [("q", "failed"), ("q2", "queued"),
                                                ("q2", "failed")])
def test_queue_jobs_answers_the_callers_counts_and_jobs(api, seed, caller, queue, status):
    answer = ok(api.post("/rpc/queue_jobs", json={"queue": queue, "status": status},
                         **as_caller(api, caller)))
    assert answer["counts"] == status_counts(api, caller, queue)
    expected = [i for (i,) in scoped(api, caller, "SELECT j.id FROM jobs.job AS j WHERE {scope}"
                                                  " AND j.queue = %s AND j.status::text = %s"
                                                  " ORDER BY j.id DESC", queue, status)]
    assert [j["id"] for j in answer["jobs"]] == expected
    assert answer["pagination"]["total_jobs"] == len(expected)


@pytest.mark.parametrize("caller", ROLE_CALLERS)
def test_last_success_is_the_callers_newest_successful_run(api, seed, caller):
    answer = ok(api.get("/rpc/last_success?name=etl-nightly", **as_caller(api, caller)))
    ((expected,),) = scoped(api, caller, "SELECT max(j.started_at) FROM jobs.job AS j"
                                         " WHERE {scope} AND j.name = 'etl-nightly'"
                                         " AND j.status = 'completed'")
    assert (datetime.fromisoformat(answer) if answer else None) == expected
    assert (expected is None) == (caller == "worker")


# --- single rules, spelled out ----------------------------------------------------------

def test_a_users_body_naming_another_owner_still_submits_as_the_user(api, seed):
    response = api.post("/jobs", json={"name": "mine", "owner": "bob"},
                        **as_caller(api, "alice", **RETURN))
    (job,) = ok(response, 201)
    assert job["owner"] == "alice"
    assert api.sql("SELECT owner FROM jobs.job WHERE id = %s", job["id"]) == [("alice",)]


def test_a_follow_up_of_another_users_job_is_404_and_creates_nothing(api, seed):
    before = snapshot(api)
    response = api.post("/jobs", json={"name": "next", "after_job_id": seed["b_queued"]},
                        **as_caller(api, "alice"))
    assert response.status_code == 404, response.text
    assert error_body(response)["code"] == "PT404"
    assert snapshot(api) == before


def test_a_worker_claiming_without_queues_gets_only_its_tokens_queues(api, seed):
    claimed = ok(api.post("/rpc/claim_jobs", json={"queues": None, "worker": "w1",
                                                   "max_jobs": 100},
                          **as_caller(api, "worker")))
    assert [(j["id"], j["queue"]) for j in claimed] == [(seed["a_queued"], "q")]
    # Bob's queued job in q2 was due too, and is still queued.
    assert api.sql("SELECT status::text FROM jobs.job WHERE id = %s",
                   seed["b_queued"]) == [("queued",)]


@pytest.mark.parametrize(("queues", "seen"), [
    (["*"], "TRUE"), (["q2"], "j.queue = 'q2'"), (["q", "q2"], "j.queue IN ('q', 'q2')"),
    ([], "FALSE"), (None, "FALSE")], ids=["star", "q2", "q and q2", "empty", "no claim"])
def test_a_workers_token_queues_decide_the_jobs_it_sees(api, seed, queues, seen):
    claims = {} if queues is None else {"queues": queues}
    token = make_token(api.secret, "jobs_worker", "w1", **claims)
    response = api.get("/jobs?select=id&order=id", role=None,
                       headers={"Authorization": f"Bearer {token}"})
    assert [j["id"] for j in ok(response)] == [
        i for (i,) in api.sql(f"SELECT j.id FROM jobs.job AS j WHERE {seen} ORDER BY j.id")]


def test_a_worker_claiming_another_queue_is_403_and_claims_nothing(api, seed):
    before = snapshot(api)
    response = api.post("/rpc/claim_jobs", json={"queues": ["q", "q2"], "worker": "w1"},
                        **as_caller(api, "worker"))
    assert response.status_code == 403, response.text
    assert "q2" in error_body(response)["message"]
    assert snapshot(api) == before
