"""Schema-driven fuzzing of every route in the OpenAPI document PostgREST serves.

The routes come from the document itself, fetched at test time: GET, POST, PATCH
and DELETE on the views, POST and GET on /rpc/*. For each route hypothesis sends
requests as an admin, a user (alice) and a worker whose token allows two queues:
filters on real and unknown columns with every operator, select, order, limit and
offset junk; bodies with right and wrong JSON types per the definitions, unknown
columns, ~1 MB strings, deep nesting, SQL-looking text and NUL characters; RPC
arguments under the function's parameter names and unknown ones; odd Prefer,
Accept, Range and Content-Type headers.

Every answer must have a status below 500 and be JSON (or empty, or the CSV that
was asked for); a refused request (4xx) must leave every table of schema jobs as
it was. The state is seeded once per test through the API and restored from a
copy whenever a request changed it, so each request meets the same world.

Hypothesis runs inside the tests, once per route, so every route is fuzzed on
every run; derandomize makes the examples the same on every machine.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobsapi.tokens import make_token

# The identities requests are sent as: role -> subject.
ROLES = {"jobs_admin": "admin", "jobs_user": "alice", "jobs_worker": "w1"}
WORKER_QUEUES = ["default", "imports"]

# Examples per route and role. About 70 routes x 3 roles: the file takes ~25 s
# on two cores, most of it HTTP round trips.
EXAMPLES = 6

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # a round trip through PostgREST and PostgreSQL varies
    derandomize=True,  # the same examples on every run, so CI is reproducible
    database=None,  # nothing replayed from earlier runs either
    # Huge and deeply nested bodies come from fixed samples, not from generated
    # bytes; the checks below are about the server, not the generator.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

MB = 1 << 20


# --- values ------------------------------------------------------------------------

SQLISH = (
    "'; DROP TABLE jobs.job; --",
    "'); DELETE FROM jobs.job; --",
    "1 OR 1=1",
    "' OR '1'='1",
    "1; TRUNCATE jobs.job",
    "$$",
    "$$; DELETE FROM jobs.job; $$",
    "$tag$",
    "\\",
    "\\'",
    "%",
    "_%",
    "*",
    '"',
    '""',
    "()",
    "(,)",
    ",",
    ".",
    "::",
    "->>",
    "null",
    "NULL",
    "true",
    "{}",
    "[]",
    '{"a": 1}',
    "{a,b}",
    "[1,2)",
    "ünïcödé 中文 עברית 🚀",
    "\u202eevil",
    "\ufeffbom",
    " ",
)
TIMES = (
    "now", "yesterday", "tomorrow", "epoch", "infinity", "-infinity",
    "2026-01-01T00:00:00Z", "2026-13-45", "294277-01-01", "4714-11-23 BC", "0001-01-01",
    "1 day", "tomorrow-ish", "", "12:00",
)
NUMBERISH = ("0", "-1", "1.5", "1e400", "NaN", "Infinity", "9223372036854775808", "0x10", "１")
SPECIAL_TEXT = SQLISH + TIMES + NUMBERISH

# ~1 MB each: bounded, so a body is at most a few MB.
HUGE = ("x" * MB, ("'; DROP TABLE jobs.job; -- ü " * (MB // 30))[:MB])

# Nesting depths: cheap, beyond most recursive parsers, beyond PostgreSQL's
# max_stack_depth (it answers 54001, which PostgREST turns into 413).
DEPTHS = (64, 3_000, 100_000)

# Bodies that are not JSON at all.
RAW_BODIES = (
    b"", b"{", b'{"name": ', b"[1, 2", b"{'name': 'x'}", b'{"a": 1}{"b": 2}', b"NaN",
    b'{"name": NaN}', b'{"name": "\\ud800"}', b"\xff\xfe", b"nul", b"\x00", b"<a/>",
    b"name=x&priority=high", b"--",
)

names = st.text(max_size=12)
texts = st.one_of(st.text(max_size=40), st.sampled_from(SPECIAL_TEXT))
integers = st.one_of(
    st.integers(-5, 1005),
    st.integers(-(2**70), 2**70),
    st.sampled_from((2**15, 2**31, 2**31 - 1, 2**63, -(2**63) - 1)),
)
scalars = st.one_of(
    st.none(), st.booleans(), integers, st.floats(allow_nan=False, allow_infinity=False), texts,
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
    max_leaves=8,
)
timestamps = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1),
                 timezones=st.just(timezone.utc)).map(datetime.isoformat),
    st.sampled_from(TIMES),
)

INT_BITS = {"smallint": 16, "integer": 32, "bigint": 64}


def typed(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value of the JSON type the OpenAPI property asks for (not always a valid one)."""
    kind, fmt = prop.get("type"), prop.get("format", "")
    if prop.get("enum"):
        return st.sampled_from(prop["enum"])
    if kind == "integer":
        bits = INT_BITS.get(fmt, 64)
        return st.one_of(st.integers(-5, 1005), st.integers(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1))
    if kind == "number":
        return st.one_of(st.integers(-5, 1005), st.floats(allow_nan=False, allow_infinity=False))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(texts, max_size=3)
    if fmt.startswith("timestamp") or fmt == "date":
        return timestamps
    if kind == "string":
        return texts
    return json_values  # jsonb: any JSON


def value(prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Right type or any type."""
    return st.one_of(typed(prop), json_values)


def query_text(prop: dict[str, Any] | None) -> st.SearchStrategy[str]:
    """A value as it appears in a query string: the column's type rendered, or junk."""
    def render(v: Any) -> str:
        if isinstance(v, str):
            return v
        if isinstance(v, list) and prop and prop.get("type") == "array":
            return "{" + ",".join(map(str, v)) + "}"
        return json.dumps(v)

    rendered = typed(prop).map(render) if prop else st.nothing()
    return st.one_of(rendered, texts)


# --- requests ----------------------------------------------------------------------

class Call:
    """One request to send; its repr is a short, reproducible description."""

    def __init__(self, method: str, path: str, params: list[tuple[str, str]],
                 headers: dict[str, str], body: bytes | None) -> None:
        self.method, self.path, self.params, self.headers, self.body = (
            method, path, params, headers, body)

    def __repr__(self) -> str:
        body = self.body
        if body is not None and len(body) > 300:
            body_text = f"{body[:200]!r}...({len(body)} bytes)"
        else:
            body_text = repr(body)
        return (f"Call({self.method} {self.path} params={self.params!r} "
                f"headers={self.headers!r} body={body_text})")

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # hypothesis' printer
        p.text(repr(self))


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    # View: the definition's properties; RPC: the arguments.
    fields: dict[str, dict[str, Any]]
    required: tuple[str, ...] = ()

    @property
    def rpc(self) -> bool:
        return self.path.startswith("/rpc/")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def routes(doc: dict[str, Any]) -> list[Route]:
    """Every path and method of the OpenAPI document."""
    found = []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            method = method.upper()
            if path.startswith("/rpc/"):
                if method == "POST":
                    [args] = [p["schema"] for p in operation.get("parameters", [])
                             if p.get("in") == "body"]
                    found.append(Route(method, path, args.get("properties", {}),
                                       tuple(args.get("required", ()))))
                else:
                    params = {p["name"]: p for p in operation.get("parameters", []) if "name" in p}
                    found.append(Route(method, path, params))
            elif path == "/":
                found.append(Route(method, path, {}))
            else:
                found.append(Route(method, path, doc["definitions"][path[1:]]["properties"]))
    return found


# Names that are not columns of a view, or are only sometimes: computed fields
# are added per test from the catalog.
UNKNOWN_COLUMNS = (
    "colour", "id;drop", "jobs.id", "payload->a", "payload->>a", "meta->'x'", "id::text",
    "*", "", "ID", "nosuch", "select", "or", "and",
)
OPERATORS = (
    "eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "in", "is",
    "isdistinct", "fts", "plfts", "phfts", "wfts", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl",
    "adj", "not.eq", "not.in", "not.is", "eq(any)", "like(all)", "bogus", "",
)
IS_VALUES = ("null", "true", "false", "unknown", "notnull", "1", "nul")
SELECT_EXTRAS = (
    "id::text", "name::int", "id::nosuchtype", "payload->a", "payload->>a", "alias:id",
    "count()", "id.sum()", "job_events(*)", "jobs(*)", "((", ",", '"id"', "sum(id)", "*",
)
ORDER_SUFFIXES = ("", ".asc", ".desc", ".nullsfirst", ".desc.nullslast", ".up")
PREFER = (
    "return=representation", "return=minimal", "return=headers-only", "count=exact",
    "count=planned", "count=estimated", "missing=default", "resolution=merge-duplicates",
    "resolution=ignore-duplicates", "tx=rollback", "tx=commit", "handling=strict",
    "handling=strict, return=bogus", "params=single-object", "timezone=America/New_York",
    "timezone=Mars/Base", "max-affected=1", "junk", "return=representation, count=exact",
)
ACCEPT = (
    "application/json", "application/vnd.pgrst.object+json",
    "application/vnd.pgrst.object+json;nulls=stripped",
    "application/vnd.pgrst.array+json;nulls=stripped", "text/csv", "application/geo+json",
    "application/vnd.pgrst.plan+json", "application/openapi+json", "text/html", "*/*", "junk",
)
RANGES = ("0-9", "5-1", "junk", "-1", "0-")
FORM = "application/x-www-form-urlencoded"
# JSON most of the time, then everything else PostgREST might be handed.
CONTENT_TYPES = ("application/json",) * 6 + (
    "application/json; charset=utf-8", "text/plain", "text/csv", FORM,
    "application/octet-stream", "application/xml", "",
)

headers_strategy = st.fixed_dictionaries({}, optional={
    "Prefer": st.sampled_from(PREFER), "Accept": st.sampled_from(ACCEPT),
    "Range": st.sampled_from(RANGES)})


def column_names(route: Route, extras: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Mostly the route's own names, else computed fields, unknown names and junk."""
    known = st.sampled_from(sorted(route.fields)) if route.fields else st.nothing()
    return st.one_of(known, known, st.sampled_from(UNKNOWN_COLUMNS + extras), names)


@st.composite
def filters(draw: st.DrawFn, route: Route, extras: tuple[str, ...]) -> tuple[str, str]:
    """One ?column=operator.value pair."""
    column = draw(column_names(route, extras))
    operator = draw(st.sampled_from(OPERATORS))
    prop = route.fields.get(column)
    if operator.endswith("in"):
        items = draw(st.lists(query_text(prop), max_size=3))
        operand = "(" + ",".join(items) + ")"
    elif operator.endswith("is"):
        operand = draw(st.sampled_from(IS_VALUES))
    else:
        operand = draw(query_text(prop))
    return column, f"{operator}.{operand}" if operator else operand


@st.composite
def logic(draw: st.DrawFn, route: Route, extras: tuple[str, ...]) -> tuple[str, str]:
    """?or=(a.eq.1,b.gt.2) and friends."""
    key = draw(st.sampled_from(("or", "and", "not.or", "not.and")))
    parts = [f"{c}.{v}" for c, v in draw(st.lists(filters(route, extras), min_size=0, max_size=3))]
    return key, "(" + ",".join(parts) + ")"


def view_params(route: Route, extras: tuple[str, ...]) -> st.SearchStrategy[list[tuple[str, str]]]:
    cols = column_names(route, extras)
    select = st.one_of(
        st.just("*"),
        st.lists(cols, min_size=1, max_size=4).map(",".join),
        st.lists(st.one_of(cols, st.sampled_from(SELECT_EXTRAS)), min_size=1, max_size=4)
        .map(",".join),
        texts,
    )
    order = st.one_of(
        st.lists(st.tuples(cols, st.sampled_from(ORDER_SUFFIXES)).map("".join),
                 min_size=1, max_size=3).map(",".join),
        texts,
    )
    number = st.one_of(st.integers(-10, 10**20).map(str), texts)
    optional = st.fixed_dictionaries({}, optional={
        "select": select, "order": order, "limit": number, "offset": number,
        "on_conflict": cols, "columns": st.lists(cols, max_size=3).map(",".join),
    })
    return st.tuples(
        st.lists(filters(route, extras), max_size=3),
        st.lists(logic(route, extras), max_size=1),
        optional,
    ).map(lambda t: t[0] + t[1] + sorted(t[2].items()))


def row(route: Route) -> st.SearchStrategy[dict[str, Any]]:
    """An object of some of the view's columns (right or wrong types) and maybe unknown ones."""
    known = (st.lists(st.sampled_from(sorted(route.fields)), unique=True, max_size=5)
             .flatmap(lambda cols: st.fixed_dictionaries(
                 {c: value(route.fields[c]) for c in cols})))
    unknown = st.dictionaries(st.one_of(st.sampled_from(UNKNOWN_COLUMNS), names), json_values,
                              max_size=2)
    return st.tuples(known, st.one_of(st.just({}), unknown)).map(lambda t: {**t[0], **t[1]})


def rpc_args(route: Route) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments under the function's parameter names (any JSON type) and maybe unknown ones:
    every required one half of the time, any of them the other half."""
    args = {n: value(p) for n, p in route.fields.items()}
    known = st.one_of(
        st.fixed_dictionaries({n: args[n] for n in route.required},
                              optional={n: s for n, s in args.items() if n not in route.required}),
        st.fixed_dictionaries({}, optional=args),
    )
    unknown = st.dictionaries(st.one_of(st.sampled_from(UNKNOWN_COLUMNS), names), json_values,
                              max_size=2)
    return st.tuples(known, st.one_of(st.just({}), unknown)).map(lambda t: {**t[0], **t[1]})


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


def with_raw(obj: dict[str, Any], key: str, raw: bytes) -> bytes:
    """obj as JSON with raw (already JSON, maybe too deep for json.dumps) under key."""
    rest = dumps({k: v for k, v in obj.items() if k != key})
    head = b"{" + dumps(key) + b": " + raw
    return head + (b", " + rest[1:] if rest != b"{}" else b"}")


def nested(depth: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a": ' * depth + b"1" + b"}" * depth


def csv_body(obj: Any) -> bytes:
    """The CSV PostgREST reads: a header line and rows. Every field is quoted, so
    no quote is left open: an unterminated quote is a known 500, pinned by
    test_known_5xx_reproduction below."""
    rows = obj if isinstance(obj, list) else [obj]
    rows = [r for r in rows if isinstance(r, dict)]
    cols = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(cols)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else
                         (r[c] if isinstance(r[c], str) else json.dumps(r[c])) for c in cols])
    return out.getvalue().encode()


@st.composite
def bodies(draw: st.DrawFn, objects: st.SearchStrategy[dict[str, Any]],
           fields: dict[str, dict[str, Any]], rpc: bool) -> tuple[bytes, str]:
    """A body and its Content-Type: an object, an array of them, one with a huge or
    deeply nested field, a bare JSON value, or bytes that are not JSON."""
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    kinds = ["object", "array", "huge", "nested", "scalar", "raw"]
    if rpc and content_type == FORM:
        # A form body is all keys, and an unknown argument name of some KB keeps
        # PostgREST busy for minutes: a known finding, reproduced (small) by
        # test_known_slow_hint_for_a_long_unknown_rpc_argument below.
        kinds = ["object", "array", "scalar", "raw"]
    kind = draw(st.sampled_from(kinds))
    field = draw(st.one_of(st.sampled_from(sorted(fields)), names)) if fields else "x"
    obj: Any
    if kind == "object":
        obj = draw(objects)
    elif kind == "array":
        obj = draw(st.lists(objects, max_size=3))
    elif kind == "huge":
        obj = {**draw(objects), field: draw(st.sampled_from(HUGE))}
    elif kind == "scalar":
        obj = draw(json_values)
    elif kind == "nested":
        raw = nested(draw(st.sampled_from(DEPTHS)), draw(st.sampled_from(("array", "object"))))
        return with_raw(draw(objects), field, raw), content_type
    else:
        return draw(st.sampled_from(RAW_BODIES)), content_type
    if content_type == "text/csv":
        return csv_body(obj), content_type
    return dumps(obj), content_type


def calls(route: Route, extras: tuple[str, ...]) -> st.SearchStrategy[Call]:
    """Requests for one route."""
    if route.rpc and route.method == "GET":
        # Arguments as query parameters; a volatile function answers 405.
        params = st.lists(st.tuples(column_names(route, ()), query_text(None)), max_size=4)
        return st.builds(Call, st.just("GET"), st.just(route.path), params, headers_strategy,
                         st.none())
    if route.rpc:
        body = bodies(rpc_args(route), route.fields, rpc=True)
    elif route.method in ("POST", "PATCH"):
        body = bodies(row(route), route.fields, rpc=False)
    else:
        body = st.none().map(lambda _: (None, ""))
    params = view_params(route, extras) if not route.rpc else st.just([])

    def build(params: list[tuple[str, str]], headers: dict[str, str],
              body: tuple[bytes | None, str]) -> Call:
        content, content_type = body
        if content is not None:
            headers = {**headers, "Content-Type": content_type}
        return Call(route.method, route.path, params, headers, content)

    return st.builds(build, params, headers_strategy, body)


# --- the world the requests meet -----------------------------------------------------

class Tables:
    """Every table of schema jobs: a digest of its rows, and a copy to restore."""

    def __init__(self, database_url: str) -> None:
        self.conn = psycopg.connect(database_url, autocommit=True)
        self.names = [name for (name,) in self.conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'jobs'::regnamespace"
            " AND relkind IN ('r', 'p') ORDER BY relname")]
        self.digest_sql = "SELECT " + ", ".join(
            f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
            f" FROM jobs.{name} AS t)" for name in self.names)
        self.sequences = [name for (name,) in self.conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'jobs'::regnamespace"
            " AND relkind = 'S' ORDER BY relname")]

    def digest(self) -> dict[str, str]:
        row = self.conn.execute(self.digest_sql).fetchone()
        assert row is not None
        return dict(zip(self.names, row))

    def save(self) -> dict[str, str]:
        """Copy every table (temporary tables of this session) and the sequences."""
        for name in self.names:
            self.conn.execute(f"CREATE TEMP TABLE saved_{name} AS SELECT * FROM jobs.{name}")
        self.saved_sequences = [
            self.conn.execute(f"SELECT last_value, is_called FROM jobs.{s}").fetchone()
            for s in self.sequences]
        return self.digest()

    def restore(self) -> None:
        """Put the saved rows back, triggers and foreign keys off (we are superuser)."""
        with self.conn.transaction():
            self.conn.execute("SET LOCAL session_replication_role = replica")
            self.conn.execute("TRUNCATE " + ", ".join(f"jobs.{n}" for n in self.names))
            for name in self.names:
                self.conn.execute(f"INSERT INTO jobs.{name} OVERRIDING SYSTEM VALUE"
                                  f" SELECT * FROM saved_{name}")
            for seq, (last, called) in zip(self.sequences, self.saved_sequences):
                self.conn.execute("SELECT setval(%s, %s, %s)", (f"jobs.{seq}", last, called))

    def close(self) -> None:
        self.conn.close()


def ok(response: httpx.Response) -> httpx.Response:
    assert response.status_code < 300, (response.status_code, response.text)
    return response


def seed(api: Any) -> None:
    """A small world for every route to act on: queues, jobs of alice and the admin in
    every status, a follow-up, a file, a named lock, an ETL run and a worker."""
    alice = {"role": "jobs_user", "sub": "alice"}
    worker = {"role": None, "headers": worker_auth(api)}
    later = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    for queue in ({"name": "imports", "max_attempts": 2}, {"name": "paused", "paused": True}):
        ok(api.post("/queues", json=queue))
    for job in ({"name": "export", "priority": 3, "payload": {"file": "a.csv"}, "meta": {"t": 1}},
                {"name": "report", "queue": "imports", "priority": 3},
                {"name": "later", "run_at": later},
                {"name": "locked", "locks": ["flow:1"]},
                {"name": "to-cancel", "queue": "imports"},
                {"name": "follow-up", "after_job_id": 1}):
        ok(api.post("/jobs", json=job, **alice))
    for job in ({"name": "other", "queue": "other"}, {"name": "paused-job", "queue": "paused"}):
        ok(api.post("/jobs", json=job))
    claimed = ok(api.rpc("claim_jobs", {"queues": WORKER_QUEUES, "worker": "w1", "max_jobs": 3,
                                        "lease_seconds": 3600}, **worker)).json()
    assert len(claimed) == 3, claimed
    first, second, _still_running = (job["id"] for job in claimed)
    ok(api.rpc("complete_job", {"job_id": first, "worker": "w1", "num_success": 5}, **worker))
    ok(api.rpc("fail_job", {"job_id": second, "worker": "w1", "error": "boom", "retry": False},
               **worker))
    [(to_cancel,)] = api.sql("SELECT id FROM jobs.job WHERE name = 'to-cancel'")
    ok(api.rpc("cancel_job", {"job_id": to_cancel}, **alice))
    ok(api.post("/job_files", json={"job_id": 1, "name": "a.csv", "host": "h1",
                                    "path": "/tmp/a.csv", "size_bytes": 10}, **alice))
    ok(api.rpc("acquire_lock", {"name": "devices"}, **alice))
    ok(api.post("/etl_jobs", json={"name": "etl-nightly", "status": "in_progress",
                                   "source": "s", "destination": "d"}, **alice))


def worker_auth(api: Any) -> dict[str, str]:
    token = make_token(api.secret, "jobs_worker", ROLES["jobs_worker"], queues=WORKER_QUEUES)
    return {"Authorization": f"Bearer {token}"}


def auth(api: Any, role: str) -> dict[str, str]:
    if role == "jobs_worker":
        return worker_auth(api)
    return {"Authorization": f"Bearer {make_token(api.secret, role, ROLES[role])}"}


def problems(call: Call, response: httpx.Response, before: dict[str, str],
             after: dict[str, str]) -> list[str]:
    """What is wrong with the answer to call, if anything."""
    found = []
    status = response.status_code
    content_type = response.headers.get("content-type", "")
    if status >= 500:
        found.append(f"{status}: {response.text[:500]!r}")
    if response.content:
        wants_csv = call.headers.get("Accept") == "text/csv" and status < 400
        if wants_csv and content_type.startswith("text/csv"):
            pass
        elif "json" not in content_type:
            found.append(f"{status} not JSON ({content_type}): {response.text[:500]!r}")
        else:
            try:
                response.json()
            except ValueError:
                found.append(f"{status} invalid JSON: {response.text[:500]!r}")
    elif status >= 400:
        found.append(f"{status} with an empty body")
    if 400 <= status < 500 and after != before:
        changed = sorted(name for name in after if after[name] != before[name])
        found.append(f"{status} refused but changed {changed}: {response.text[:500]!r}")
    return found


class World:
    """The seeded state, the HTTP client, and the check of one request."""

    def __init__(self, api: Any, tables: Tables, doc: dict[str, Any],
                 computed: tuple[str, ...]) -> None:
        self.api, self.tables, self.doc, self.computed = api, tables, doc, computed
        self.baseline = tables.save()
        self.current = self.baseline

    def send(self, role: str, call: Call) -> tuple[httpx.Response, dict[str, str],
                                                     dict[str, str]]:
        if self.current != self.baseline:  # an earlier request changed something
            self.tables.restore()
            self.current = self.baseline
        before = self.current
        response = self.api.client.request(
            call.method, call.path, params=call.params, content=call.body,
            headers={**auth(self.api, role), **call.headers})
        self.current = self.tables.digest()
        return response, before, self.current

    def fuzz(self, route: Route, role: str) -> None:
        extras = self.computed if not route.rpc else ()

        @FUZZ
        @given(call=calls(route, extras))
        def probe(call: Call) -> None:
            response, before, after = self.send(role, call)
            found = problems(call, response, before, after)
            assert not found, f"{route} as {role}: {call!r}\n" + "\n".join(found)

        probe()


@pytest.fixture
def world(api: Any) -> Iterator[World]:
    response = api.get("/")  # the admin's document: every route
    assert response.status_code == 200, response.text
    seed(api)
    # Computed fields (functions of a view's row type) are columns to a reader
    # but not in the document.
    computed = tuple(name for (name,) in api.sql(
        "SELECT DISTINCT p.proname FROM pg_proc AS p JOIN pg_type AS t"
        " ON t.oid = p.proargtypes[0] JOIN pg_class AS c ON c.oid = t.typrelid"
        " WHERE p.pronamespace = 'api'::regnamespace AND p.pronargs = 1"
        " AND c.relnamespace = 'api'::regnamespace ORDER BY 1"))
    tables = Tables(api.database_url)
    try:
        yield World(api, tables, response.json(), computed)
    finally:
        tables.close()


def fuzzed_routes(world: World, rpc: bool) -> list[Route]:
    found = [r for r in routes(world.doc) if r.rpc == rpc]
    assert found, "the OpenAPI document lists no such route"
    return found


# --- the tests ---------------------------------------------------------------------

def test_the_snapshot_covers_the_job_tables(world):
    assert {"job", "queue", "job_lock", "job_file", "job_event"} <= set(world.tables.names)
    assert len({r.path for r in routes(world.doc)}) > 20


@pytest.mark.parametrize("role", ROLES)
def test_view_routes_never_answer_5xx_and_refusals_change_nothing(world, role):
    for route in fuzzed_routes(world, rpc=False):
        world.fuzz(route, role)


@pytest.mark.parametrize("role", ROLES)
def test_rpc_routes_never_answer_5xx_and_refusals_change_nothing(world, role):
    for route in fuzzed_routes(world, rpc=True):
        world.fuzz(route, role)
