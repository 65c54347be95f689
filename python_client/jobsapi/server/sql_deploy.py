"""Deploy sql/ onto a live database.

The whole deploy is one transaction, and it changes only what changed:

- The files run in the order of sql/deploy_order.txt. A file whose text was
  deployed before (jobs.deployed_file), with every object it declares in
  place, is not run again unless migrations were applied since; files
  marked "always" run every time. So a redeploy of the same code takes no
  lock on a view or table at all, and one that changes a function replaces
  it without stopping anyone (CREATE OR REPLACE takes no table lock).
- Functions, views and triggers are declared with CREATE OR REPLACE: they
  keep their identity, so a prepared statement, a running worker and a view
  an analyst built over api go on working. A changed policy is dropped and
  created again; a composite type, once made, must keep its fields.
- What sql/ no longer declares (a function, view, trigger, policy or type
  of api and jobs_internal, or a trigger or policy on a table of jobs) is
  dropped without CASCADE. If something else depends on it, the deploy
  fails, names it and changes nothing.
- Files that replace a view, trigger or policy in use run last, so that the
  locks they take (which stop writers) are held only until the commit that
  follows. Before them, the views they replace are locked, then the
  tables: requests take a view before its table (a POST /jobs), and a
  deploy that held the table while it waited for the view would wait for
  such a request while the request waited for it. A lock that cannot be
  had within lock_timeout (a transaction holds the table) aborts the
  attempt, which is tried again after a pause: the deploy never queues
  writers behind it for longer than that.
- The dashboard's files (dashboard/, next to sql/) are loaded into
  jobs.dashboard_file, which api.dashboard serves: a file is written only
  when its content changed, and one no longer there is deleted.
"""

from __future__ import annotations

import hashlib
import mimetypes
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pglast
import psycopg
from pglast import ast
from pglast.enums import FunctionParameterMode
from pglast.stream import RawStream

from ..errors import SetupError
from .paths import SQL_DIR

ORDER_FILE = "deploy_order.txt"
DASHBOARD = "dashboard"  # the dashboard's files, next to sql/
MIGRATIONS_KEY = "<migrations>"
LOCK_TIMEOUT = "200ms"
RETRY_FOR_SECONDS = 60.0

# Function parameters that are part of its signature (not OUT or TABLE).
INPUT_MODES = {FunctionParameterMode.FUNC_PARAM_IN, FunctionParameterMode.FUNC_PARAM_INOUT,
               FunctionParameterMode.FUNC_PARAM_VARIADIC, FunctionParameterMode.FUNC_PARAM_DEFAULT}


@dataclass(frozen=True)
class SqlFile:
    path: Path
    name: str  # relative to sql/
    always: bool


@dataclass(frozen=True)
class Declared:
    """An object a statement of sql/ declares: kind, and how SQL names it."""
    kind: str  # function, view, trigger, policy, type
    name: str  # function signature, view or type name, or trigger/policy name
    table: str = ""  # the table of a trigger or policy

    def __str__(self) -> str:
        return f"{self.kind} {self.name}" + (f" on {self.table}" if self.table else "")


def sql_files(sql_dir: Path = SQL_DIR) -> list[SqlFile]:
    """The files of sql/ in the order deploy_order.txt gives; every .sql file
    must be listed there once."""
    listed: list[SqlFile] = []
    for line in (sql_dir / ORDER_FILE).read_text().splitlines():
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1] != "always"):
            raise SetupError(f"{ORDER_FILE}: a line is a file name, then maybe 'always': {line!r}")
        listed.append(SqlFile(sql_dir / words[0], words[0], len(words) == 2))
    names = [f.name for f in listed]
    present = sorted(str(p.relative_to(sql_dir)) for p in sql_dir.rglob("*.sql"))
    if sorted(names) != present or len(set(names)) != len(names):
        missing = sorted(set(present) - set(names))
        unknown = sorted(set(names) - set(present))
        twice = sorted({n for n in names if names.count(n) > 1})
        raise SetupError(f"{ORDER_FILE} must list each file of sql/ once: missing {missing},"
                         f" not found {unknown}, twice {twice}")
    return listed


def statements(text: str) -> list[str]:
    return list(pglast.split(text, with_parser=True))


def _qualified(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


def declared_by(statement: str) -> Declared | None:
    """The object a statement declares, read from PostgreSQL's own parse tree."""
    node = pglast.parse_sql(statement)[0].stmt
    if isinstance(node, ast.CreateFunctionStmt):
        args = ", ".join(RawStream()(p.argType) for p in node.parameters or ()
                         if p.mode in INPUT_MODES)
        return Declared("function", f"{_qualified(*(n.sval for n in node.funcname))}({args})")
    if isinstance(node, ast.ViewStmt):
        return Declared("view", _qualified(node.view.schemaname, node.view.relname))
    if isinstance(node, ast.CreateTrigStmt):
        return Declared("trigger", node.trigname,
                        _qualified(node.relation.schemaname, node.relation.relname))
    if isinstance(node, ast.CreatePolicyStmt):
        return Declared("policy", node.policy_name,
                        _qualified(node.table.schemaname, node.table.relname))
    if isinstance(node, ast.CompositeTypeStmt):
        return Declared("type", _qualified(node.typevar.schemaname, node.typevar.relname))
    return None


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- what the database holds ------------------------------------------------------------

# Every object of the kinds a deploy manages, with the statement that drops it
# and the identity a declaration resolves to (see _identity).
PRESENT = """
SELECT 'function', p.oid::text, format('DROP FUNCTION %s', p.oid::regprocedure)
FROM pg_proc AS p
WHERE p.pronamespace IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
  AND NOT EXISTS (SELECT FROM pg_depend AS d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'view', c.oid::text, format('DROP VIEW %s', c.oid::regclass)
FROM pg_class AS c
WHERE c.relnamespace IN ('api'::regnamespace, 'jobs_internal'::regnamespace) AND c.relkind = 'v'
UNION ALL
SELECT 'trigger', t.oid::text, format('DROP TRIGGER %I ON %s', t.tgname, t.tgrelid::regclass)
FROM pg_trigger AS t
JOIN pg_class AS c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'jobs'::regnamespace AND NOT t.tgisinternal
UNION ALL
SELECT 'policy', p.oid::text, format('DROP POLICY %I ON %s', p.polname, p.polrelid::regclass)
FROM pg_policy AS p
JOIN pg_class AS c ON c.oid = p.polrelid
WHERE c.relnamespace = 'jobs'::regnamespace
UNION ALL
SELECT 'type', t.oid::text, format('DROP TYPE %s', t.oid::regtype)
FROM pg_type AS t
JOIN pg_class AS c ON c.oid = t.typrelid AND c.relkind = 'c'
WHERE t.typnamespace IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
"""


def _identity(conn: psycopg.Connection, obj: Declared) -> str | None:
    """The oid (as text) of a declared object in the database, or None."""
    if obj.kind == "function":
        row = conn.execute("SELECT to_regprocedure(%s)::oid::text", (obj.name,)).fetchone()
    elif obj.kind == "view":
        row = conn.execute("SELECT to_regclass(%s)::oid::text", (obj.name,)).fetchone()
    elif obj.kind == "type":
        row = conn.execute("SELECT to_regtype(%s)::oid::text", (obj.name,)).fetchone()
    elif obj.kind == "trigger":
        row = conn.execute("SELECT t.oid::text FROM pg_trigger AS t WHERE"
                           " t.tgrelid = to_regclass(%s) AND t.tgname = %s",
                           (obj.table, obj.name)).fetchone()
    else:
        row = conn.execute("SELECT p.oid::text FROM pg_policy AS p WHERE"
                           " p.polrelid = to_regclass(%s) AND p.polname = %s",
                           (obj.table, obj.name)).fetchone()
    return row[0] if row else None


def _migrations_key(conn: psycopg.Connection) -> str:
    versions = conn.execute("SELECT coalesce(string_agg(version, ',' ORDER BY version), '')"
                            " FROM public.schema_migrations").fetchone()
    return _sha(versions[0] if versions else "")


# --- the deploy -----------------------------------------------------------------------


def _run_statement(conn: psycopg.Connection, statement: str, obj: Declared | None) -> None:
    if obj is None:
        conn.execute(statement)
    elif obj.kind == "policy":
        if _identity(conn, obj):
            conn.execute(f"DROP POLICY {obj.name} ON {obj.table}")
        conn.execute(statement)
    elif obj.kind == "type":
        if _identity(conn, obj):
            _check_type_unchanged(conn, statement, obj)
        else:
            conn.execute(statement)
    elif obj.kind in ("function", "view"):
        # CREATE OR REPLACE cannot change a function's result type or a
        # view's existing columns: drop the old one first, with what of
        # sql/'s own depends on it (declared again before the deploy ends),
        # but never anything else: then the deploy stops and says what.
        try:
            with conn.transaction():
                conn.execute(statement)
        except (psycopg.errors.InvalidFunctionDefinition,
                psycopg.errors.InvalidTableDefinition) as exc:
            _drop_with_own_dependents(conn, obj, exc.diag.message_primary or "")
            conn.execute(statement)
    else:
        conn.execute(statement)


# Objects outside what a deploy manages that a CASCADE could reach: views,
# functions, triggers, policies, defaults and constraints of everyone else.
FOREIGN = """
SELECT 'relation ' || c.oid::regclass FROM pg_class AS c
WHERE c.relkind IN ('v', 'm') AND c.relnamespace NOT IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
UNION ALL
SELECT 'function ' || p.oid::regprocedure FROM pg_proc AS p
WHERE p.pronamespace NOT IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
UNION ALL
SELECT 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass FROM pg_trigger AS t
JOIN pg_class AS c ON c.oid = t.tgrelid WHERE c.relnamespace <> 'jobs'::regnamespace
UNION ALL
SELECT 'policy ' || p.polname || ' on ' || p.polrelid::regclass FROM pg_policy AS p
JOIN pg_class AS c ON c.oid = p.polrelid WHERE c.relnamespace <> 'jobs'::regnamespace
UNION ALL
SELECT 'default of ' || d.adrelid::regclass || '.' || d.adnum FROM pg_attrdef AS d
JOIN pg_class AS c ON c.oid = d.adrelid
WHERE c.relnamespace NOT IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
UNION ALL
SELECT 'constraint ' || n.conname || ' of ' || n.conrelid::regclass FROM pg_constraint AS n
WHERE n.connamespace NOT IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
"""


class _Refused(Exception):
    """A CASCADE would have dropped objects that are not sql/'s own."""


def _drop_with_own_dependents(conn: psycopg.Connection, obj: Declared, why: str) -> None:
    before = {row[0] for row in conn.execute(FOREIGN).fetchall()}
    try:
        with conn.transaction():  # rolled back if the check below refuses
            conn.execute(f"DROP {obj.kind.upper()} {obj.name} CASCADE")
            lost = sorted(before - {row[0] for row in conn.execute(FOREIGN).fetchall()})
            if lost:
                raise _Refused(", ".join(lost))
    except _Refused as refused:
        raise SetupError(f"{obj} cannot be replaced ({why}) without dropping what depends on"
                         f" it: {refused}; drop or change those first") from None


def _check_type_unchanged(conn: psycopg.Connection, statement: str, obj: Declared) -> None:
    """A composite type others depend on cannot be replaced: its fields must
    stay as they are (a new field would need a migration-like step)."""
    node = pglast.parse_sql(statement)[0].stmt
    wanted = [(c.colname, RawStream()(c.typeName)) for c in node.coldeflist]
    same = conn.execute(
        "SELECT array_agg(a.attname::text ORDER BY a.attnum)"
        "       = %(names)s::text[]"
        "   AND array_agg(a.atttypid ORDER BY a.attnum)"
        "       = (SELECT array_agg(to_regtype(t)::oid ORDER BY n)"
        "          FROM unnest(%(types)s::text[]) WITH ORDINALITY AS w (t, n))"
        " FROM pg_attribute AS a"
        " WHERE a.attrelid = (SELECT typrelid FROM pg_type WHERE oid = to_regtype(%(type)s))"
        "   AND a.attnum > 0 AND NOT a.attisdropped",
        {"names": [n for n, _ in wanted], "types": [t for _, t in wanted], "type": obj.name},
    ).fetchone()
    if not (same and same[0]):
        raise SetupError(f"{obj} changed its fields; a type in use cannot be replaced by a deploy")


def _sweep(conn: psycopg.Connection, declared: set[str]) -> None:
    """Drop, without CASCADE, each object of the managed kinds that sql/ no
    longer declares; objects that depend on one another go in turn."""
    order = {"trigger": 0, "policy": 1, "view": 2, "function": 3, "type": 4}
    stale = sorted((order[kind], drop) for kind, oid, drop in conn.execute(PRESENT).fetchall()
                   if oid not in declared)
    while stale:
        refused: list[tuple[int, str]] = []
        errors: list[str] = []
        for rank, drop in stale:
            try:
                with conn.transaction():
                    conn.execute(drop)
            except psycopg.errors.DependentObjectsStillExist as exc:
                refused.append((rank, drop))
                errors.append(f"{drop}: {exc.diag.message_primary}; {exc.diag.message_detail}")
        if len(refused) == len(stale):
            raise SetupError("sql/ no longer declares these, but other objects depend on them"
                             " (drop or change those first):\n" + "\n".join(errors))
        stale = refused


def _all_present(conn: psycopg.Connection, parts: list[tuple[str, Declared | None]]) -> bool:
    return all(_identity(conn, obj) for _, obj in parts if obj is not None)


def _locks_a_table_in_use(conn: psycopg.Connection,
                          parts: list[tuple[str, Declared | None]]) -> bool:
    """Whether running the file locks a table or view that exists: a
    trigger or policy on a table, or a view replaced (a new view is used by
    no one yet)."""
    return any(obj is not None and (obj.kind in ("trigger", "policy")
                                    or (obj.kind == "view" and _identity(conn, obj)))
               for _, obj in parts)


def _run_file(conn: psycopg.Connection, sql_file: SqlFile,
              parts: list[tuple[str, Declared | None]]) -> None:
    for statement, obj in parts:
        try:
            _run_statement(conn, statement, obj)
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            raise
        except psycopg.Error as exc:
            raise SetupError(f"sql/{sql_file.name}: {exc}") from exc


def _lock_views_then_tables(conn: psycopg.Connection,
                            last: list[tuple[SqlFile, list[tuple[str, Declared | None]]]]) -> None:
    """Lock the views the last files replace (and, with each, the tables it
    reads), then the tables whose triggers or policies they change."""
    declared = [obj for _, parts in last for _, obj in parts if obj is not None]
    for mode, names in (("ACCESS EXCLUSIVE", {o.name for o in declared if o.kind == "view"}),
                        ("SHARE ROW EXCLUSIVE",
                         {o.table for o in declared if o.kind in ("trigger", "policy")})):
        present = [row[0] for row in conn.execute(
            "SELECT to_regclass(n)::text FROM unnest(%s::text[]) AS n"
            " WHERE to_regclass(n) IS NOT NULL ORDER BY 1", (sorted(names),))]
        if present:
            conn.execute(f"LOCK TABLE {', '.join(present)} IN {mode} MODE")


def _deploy_once(conn: psycopg.Connection, files: list[SqlFile], dashboard_dir: Path) -> None:
    conn.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    ledger: dict[str, str] = dict(conn.execute("SELECT path, sha256 FROM jobs.deployed_file").fetchall())
    migrations = _migrations_key(conn)
    fresh = ledger.get(MIGRATIONS_KEY) != migrations
    parsed = []
    last = []
    for sql_file in files:
        text = sql_file.path.read_text()
        parts = [(s, declared_by(s)) for s in statements(text)]
        parsed.append((sql_file, parts))
        unchanged = not fresh and ledger.get(sql_file.name) == _sha(text)
        present = _all_present(conn, parts)
        if sql_file.always or not unchanged or not present:
            # (A file that declares something new runs in its turn: files
            # after it may use what it declares.)
            if present and _locks_a_table_in_use(conn, parts):
                last.append((sql_file, parts))
            else:
                _run_file(conn, sql_file, parts)
    # Files that replace a view, trigger or policy in use run last, just
    # before the commit: the locks they take (which stop writers) are held
    # for as short a time as can be.
    _lock_views_then_tables(conn, last)
    for sql_file, parts in last:
        _run_file(conn, sql_file, parts)
    # A replacement that had to drop sql/'s own dependents (see
    # _run_statement): their files, run before or unchanged, declare them again.
    for _ in range(3):
        missing = [(f, parts) for f, parts in parsed if not _all_present(conn, parts)]
        for sql_file, parts in missing:
            _run_file(conn, sql_file, parts)
    declared: set[str] = set()
    for sql_file, parts in parsed:
        for _, obj in parts:
            oid = None if obj is None else _identity(conn, obj)
            if obj is not None and oid is None:
                raise SetupError(f"sql/{sql_file.name} declares {obj}, but it is not there")
            if oid is not None:
                declared.add(oid)
    _sweep(conn, declared)
    rows = [(f.name, _sha(f.path.read_text())) for f in files] + [(MIGRATIONS_KEY, migrations)]
    conn.execute("DELETE FROM jobs.deployed_file WHERE path <> ALL(%s)", ([p for p, _ in rows],))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO jobs.deployed_file (path, sha256) VALUES (%s, %s)"
            " ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, deployed_at = now()"
            " WHERE jobs.deployed_file.sha256 <> excluded.sha256", rows)
    _load_dashboard(conn, dashboard_dir)


def media_type(path: Path) -> str:
    """The Content-Type a dashboard file is served with, from its suffix."""
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def _load_dashboard(conn: psycopg.Connection, dashboard_dir: Path) -> None:
    if not dashboard_dir.is_dir():  # an sql/ of its own (a test's older release)
        return
    files = sorted(p for p in dashboard_dir.rglob("*") if p.is_file())
    rows = [(str(p.relative_to(dashboard_dir)), media_type(p), p.read_bytes()) for p in files]
    conn.execute("DELETE FROM jobs.dashboard_file WHERE name <> ALL(%s)", ([r[0] for r in rows],))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO jobs.dashboard_file (name, media_type, body, sha256)"
            " VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (name) DO UPDATE SET media_type = excluded.media_type,"
            " body = excluded.body, sha256 = excluded.sha256"
            " WHERE jobs.dashboard_file.sha256 <> excluded.sha256"
            " OR jobs.dashboard_file.media_type <> excluded.media_type",
            [(name, kind, body, hashlib.sha256(body).hexdigest()) for name, kind, body in rows])


def _attempts(deadline: float) -> Iterator[int]:
    attempt = 0
    while True:
        yield attempt
        attempt += 1
        if time.monotonic() > deadline:
            return


def apply_sql(database_url: str, sql_dir: Path = SQL_DIR,
              retry_for: float = RETRY_FOR_SECONDS) -> list[str]:
    """Deploy sql/ in one transaction (see the module's docstring), trying
    again for retry_for seconds while a lock it needs is held; returns what
    the deploy said of itself (its "maintenance:" notices: who runs
    maintenance here)."""
    files = sql_files(sql_dir)
    deadline = time.monotonic() + retry_for
    notes: list[str] = []

    def keep(diag: psycopg.errors.Diagnostic) -> None:
        if (diag.message_primary or "").startswith("maintenance:"):
            notes.append(diag.message_primary or "")

    for attempt in _attempts(deadline):
        notes.clear()  # what a rolled-back attempt said does not count
        try:
            with psycopg.connect(database_url) as conn:
                conn.add_notice_handler(keep)
                _deploy_once(conn, files, sql_dir.parent / DASHBOARD)
            return notes
        except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
            # Someone held a table this deploy must change: everything was
            # rolled back; try again shortly.
            time.sleep(min(0.1 * 2 ** attempt, 2.0))
    raise SetupError(f"the deploy could not take its locks within {retry_for:.0f} s:"
                     " a long transaction holds a table of jobs")
