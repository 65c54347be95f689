"""Fixtures: a private PostgreSQL cluster (pytest-postgresql builds a template
database from migrations/ and sql/ once, then clones it per test) and a real
PostgREST process on a free port.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from pytest_postgresql import factories
from pytest_postgresql.executors import NoopExecutor
from pytest_postgresql.janitor import DatabaseJanitor

from jobsapi.client import Client
from jobsapi.server.migrate import deploy
from jobsapi.server.postgrest_server import PostgrestProcess
from jobsapi.server.stack import postgrest_process, throwaway_stack
from jobsapi.server.tokens import make_token
from worker_harness import Processes, Workers


def dsn(host: str, port: int, dbname: str, user: str = "postgres") -> str:
    return f"postgresql://{user}@{host}:{port}/{dbname}"


# The database where pg_cron lives and runs maintenance every minute, as on
# the stack of `jobsapi up`; the per-test databases have no pg_cron (their
# workers run maintenance).
CRON_DATABASE = "jobsapi_cron"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[NoopExecutor]:
    """A cluster of our own on a free port, run as the postgres user, with
    pg_cron loaded for CRON_DATABASE, which is deployed at once so that its
    first maintenance run is under way by the time a test looks."""
    with throwaway_stack("jobsapi-test-", database=CRON_DATABASE, with_pg_cron=True,
                         with_postgrest=False,
                         settings={"fsync": "off", "max_connections": "200"}) as stack:
        # Work for pg_cron's first maintenance run: a job whose worker vanished.
        with psycopg.connect(stack.dsn(), autocommit=True) as conn:
            conn.execute("INSERT INTO api.jobs (queue, name, status, worker, lease_expires_at)"
                         " VALUES ('cron-test', 'abandoned', 'running', 'gone',"
                         " now() - interval '1 s')")
        yield NoopExecutor(host="127.0.0.1", port=stack.cluster.port, user="postgres",
                           password=None, dbname="jobsapi_test", options="")


def load_schema(host: str, port: int, user: str, dbname: str, **_: object) -> None:
    """Build the template database exactly as a deploy does."""
    deploy(dsn(host, port, dbname, user))


@pytest.fixture(scope="session")
def jobsapi_db(pg_server: NoopExecutor) -> Iterator[NoopExecutor]:
    """The template database: migrations/ and sql/ applied once per session."""
    janitor = DatabaseJanitor(user=pg_server.user, host=pg_server.host, port=pg_server.port,
                              dbname=pg_server.template_dbname, as_template=True,
                              password=None)
    with janitor:
        janitor.load(load_schema)
        yield pg_server


_postgresql = factories.postgresql("jobsapi_db")


@pytest.fixture
def db(_postgresql: psycopg.Connection) -> psycopg.Connection:
    """A fresh database per test, autocommit connection as the superuser."""
    _postgresql.autocommit = True
    return _postgresql


@pytest.fixture(scope="module")
def module_db(pg_server: NoopExecutor, jobsapi_db: NoopExecutor,
              request: pytest.FixtureRequest) -> Iterator[psycopg.Connection]:
    """One fresh database for a module's tests that each touch only rows they
    make (a clone costs about 0.2 s): autocommit connection as the superuser."""
    name = "module_" + request.module.__name__.replace(".", "_")
    janitor = DatabaseJanitor(user="postgres", host=pg_server.host, port=pg_server.port,
                              dbname=name, template_dbname=jobsapi_db.template_dbname,
                              password=None)
    janitor.init()
    with psycopg.connect(dsn(pg_server.host, pg_server.port, name), autocommit=True) as conn:
        yield conn
    janitor.drop()


@pytest.fixture
def connect(db: psycopg.Connection) -> Iterator[Callable[..., psycopg.Connection]]:
    """Open more connections to the test's database (closed at the end)."""
    opened: list[psycopg.Connection] = []
    info = db.info

    def _connect(**kwargs: object) -> psycopg.Connection:
        kwargs.setdefault("user", info.user)
        conn = psycopg.connect(host=info.host, port=info.port, dbname=info.dbname,
                               autocommit=True, **kwargs)
        opened.append(conn)
        return conn

    yield _connect
    for conn in opened:
        conn.close()


# --- HTTP: one PostgREST for the session, over a database cloned from the template.

@pytest.fixture(scope="session")
def jwt_secret() -> str:
    return secrets.token_urlsafe(48)


@pytest.fixture(scope="session")
def http_database(pg_server: NoopExecutor, jobsapi_db: NoopExecutor) -> Iterator[str]:
    janitor = DatabaseJanitor(user="postgres", host=pg_server.host, port=pg_server.port,
                              dbname="jobsapi_http", template_dbname=jobsapi_db.template_dbname,
                              password=None)
    janitor.init()
    yield dsn(pg_server.host, pg_server.port, "jobsapi_http")
    janitor.drop()


@pytest.fixture(scope="session")
def postgrest(http_database: str, jwt_secret: str, tmp_path_factory: pytest.TempPathFactory,
              pg_server: NoopExecutor) -> Iterator[PostgrestProcess]:
    db_uri = dsn(pg_server.host, pg_server.port, "jobsapi_http", user="authenticator")
    server = postgrest_process(db_uri, jwt_secret,
                               tmp_path_factory.mktemp("postgrest") / "postgrest.log")
    server.start()
    yield server
    server.stop()


class Api:
    """An HTTP client for the test PostgREST that signs tokens on demand."""

    def __init__(self, url: str, secret: str, database_url: str) -> None:
        self.url = url
        self.secret = secret
        self.database_url = database_url
        self.client = httpx.Client(base_url=url, timeout=30)

    def token(self, role: str = "jobs_admin", sub: str = "admin", **kw: object) -> str:
        """A valid token; a worker's allows every queue unless queues is given."""
        if role == "jobs_worker":
            kw.setdefault("queues", ["*"])
        return make_token(self.secret, role, sub, **kw)

    def headers(self, role: str | None = "jobs_admin", sub: str = "admin",
                **extra: str) -> dict[str, str]:
        headers = dict(extra)
        if role:
            headers["Authorization"] = f"Bearer {self.token(role, sub)}"
        return headers

    def request(self, method: str, path: str, *, role: str | None = "jobs_admin",
                sub: str = "admin", headers: dict[str, str] | None = None,
                **kw: object) -> httpx.Response:
        return self.client.request(method, path, headers={**self.headers(role, sub),
                                                          **(headers or {})}, **kw)

    def get(self, path: str, **kw: object) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: object) -> httpx.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: object) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: object) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    def rpc(self, name: str, args: dict | None = None, **kw: object) -> httpx.Response:
        return self.post(f"/rpc/{name}", json=args or {}, **kw)

    def sql(self, query: str, *params: object) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cur = conn.execute(query, params or None)
            return cur.fetchall() if cur.description else []


# What the api fixture empties before each test, and the sequences it
# restarts: DELETE with the triggers off, which on tables of a few rows costs
# a tenth of TRUNCATE's new files and catalog changes.
EMPTIED = ("job", "job_event", "queue", "job_lock", "job_file", "queue_count", "worker",
           "job_history", "name_latest", "schedule", "maintenance", "worker_login",
           "claim_floor", "claim_floor_low")
EMPTY_TABLES = (
    "BEGIN; SET LOCAL session_replication_role = replica;"
    + "".join(f" DELETE FROM jobs.{t};" for t in EMPTIED)
    + " SELECT setval(s.seq, 1, false) FROM ("
    "  SELECT d.objid::regclass AS seq FROM pg_depend AS d"
    "  WHERE d.classid = 'pg_class'::regclass AND d.refobjid = ANY(ARRAY["
    + ", ".join(f"'jobs.{t}'::regclass" for t in EMPTIED) + "])"
    "  AND d.deptype IN ('a', 'i') AND d.objid IN (SELECT oid FROM pg_class WHERE relkind = 'S')"
    " ) AS s;"
    " INSERT INTO jobs.maintenance DEFAULT VALUES; COMMIT")


@pytest.fixture
def api(postgrest: PostgrestProcess, jwt_secret: str, http_database: str) -> Iterator[Api]:
    """The HTTP API over an emptied database."""
    client = Api(postgrest.url, jwt_secret, http_database)
    with psycopg.connect(http_database, autocommit=True) as conn:
        conn.execute(EMPTY_TABLES)
    yield client
    client.client.close()


# --- the Python client (jobsapi.Client) over the same server.

MakeClient = Callable[..., Client]


@pytest.fixture
def make_client(api: Api) -> Iterator[MakeClient]:
    """Clients of the test server with a token of that role, sub and claims (closed at the end)."""
    made: list[Client] = []

    def _make(role: str = "jobs_admin", sub: str = "admin", **claims: object) -> Client:
        made.append(Client(api.url, api.token(role, sub, **claims)))
        return made[-1]

    yield _make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> Client:
    """An admin's jobsapi.Client."""
    return make_client()


@pytest.fixture
def workers(api: Api, make_client: MakeClient) -> Iterator[Workers]:
    """Workers in threads of the test, stopped at teardown."""
    harness = Workers(api, make_client)
    try:
        yield harness
    finally:
        harness.close()


@pytest.fixture
def processes(api: Api, tmp_path: Path) -> Iterator[Processes]:
    """`jobsapi worker` processes, killed at teardown if still running."""
    spawned = Processes(api, tmp_path)
    try:
        yield spawned
    finally:
        spawned.close()
