"""The deploy of sql/ onto a live database (jobsapi/sql_deploy.py): explicit
order, only what changed, no CASCADE, locks that never stop a writer for
what did not change. Each test deploys into its own database, cloned from
the deployed template; open transactions on other connections stand in for
the traffic of a live system. (Under real load: test_deploy_online.py.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import psycopg
import pytest

from jobsapi.errors import SetupError
from jobsapi.server.paths import SQL_DIR
from jobsapi.server.sql_deploy import ORDER_FILE, apply_sql, declared_by, sql_files


def url_of(db: psycopg.Connection) -> str:
    info = db.info
    return f"postgresql://{info.user}@{info.host}:{info.port}/{info.dbname}"


@pytest.fixture
def sql_copy(tmp_path: Path) -> Path:
    """A copy of sql/ that a test may change."""
    return Path(shutil.copytree(SQL_DIR, tmp_path / "sql"))


def touch(sql_dir: Path, name: str) -> None:
    """Change a file's text without changing what it declares."""
    path = sql_dir / name
    path.write_text(path.read_text() + "\n-- changed\n")


def add_file(sql_dir: Path, name: str, text: str) -> None:
    (sql_dir / name).write_text(text)
    order = sql_dir / ORDER_FILE
    order.write_text(order.read_text().replace("90_privileges.sql", f"{name}\n90_privileges.sql"))


def remove_file(sql_dir: Path, name: str) -> None:
    (sql_dir / name).unlink()
    order = sql_dir / ORDER_FILE
    order.write_text(order.read_text().replace(f"{name}\n", ""))


def exists(db: psycopg.Connection, query: str, *args: object) -> bool:
    return db.execute(f"SELECT {query}", args or None).fetchone()[0] is not None


@pytest.fixture
def held(connect):
    """Transactions left open on other connections, as a live system has:
    a writer inside jobs.job through api.jobs, a reader of api.jobs and of
    the views over it."""
    writer, reader = connect(), connect()
    writer.execute("BEGIN")
    writer.execute("INSERT INTO api.jobs (name) VALUES ('in flight')")
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM api.jobs, api.queues, api.job_locks")
    yield
    writer.execute("COMMIT")
    reader.execute("COMMIT")


# --- order -------------------------------------------------------------------------

def test_the_order_file_lists_every_file_of_sql_once():
    names = [f.name for f in sql_files()]
    assert sorted(names) == sorted(str(p.relative_to(SQL_DIR)) for p in SQL_DIR.rglob("*.sql"))


def test_a_file_missing_from_the_order_stops_the_deploy(sql_copy):
    (sql_copy / "40_functions" / "new.sql").write_text("SELECT 1;\n")
    with pytest.raises(SetupError, match=r"missing \['40_functions/new.sql'\]"):
        sql_files(sql_copy)


def test_each_declaration_is_read_from_the_parse_tree():
    assert str(declared_by("CREATE OR REPLACE FUNCTION api.f(a text[] DEFAULT NULL,"
                           " OUT b integer, c jobs.job_status) RETURNS integer"
                           " LANGUAGE sql RETURN 1")) == \
        "function api.f(text[], jobs.job_status)"
    assert str(declared_by("CREATE OR REPLACE TRIGGER t AFTER DELETE ON jobs.job"
                           " FOR EACH ROW EXECUTE FUNCTION f()")) == "trigger t on jobs.job"
    assert declared_by("GRANT SELECT ON api.jobs TO jobs_user") is None


# --- locks on a live system -------------------------------------------------------------

def test_a_redeploy_of_the_same_code_waits_for_no_one(db, held):
    before = db.execute("SELECT max(deployed_at) FROM jobs.deployed_file").fetchone()
    # One attempt: a lock that a held transaction blocks fails it at once.
    apply_sql(url_of(db), retry_for=0)
    # The always-run files ran; nothing else changed.
    assert db.execute("SELECT max(deployed_at) FROM jobs.deployed_file").fetchone() == before


def test_a_changed_function_is_replaced_without_waiting_for_anyone(db, held, sql_copy):
    oid = db.execute("SELECT 'api.claim_jobs'::regproc::oid").fetchone()
    path = sql_copy / "40_functions" / "claim_jobs.sql"
    path.write_text(path.read_text().replace("max_jobs must be between 1 and 1000",
                                             "max_jobs must be from 1 to 1000"))
    apply_sql(url_of(db), sql_copy, retry_for=0)
    # The same function (prepared statements and callers keep it), new body.
    assert db.execute("SELECT 'api.claim_jobs'::regproc::oid").fetchone() == oid
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="from 1 to 1000"):
        db.execute("SELECT api.claim_jobs(max_jobs => 0)")


def test_a_changed_policy_waits_for_the_writers_and_changes_nothing_meanwhile(db, held, sql_copy):
    """The other side of the two tests above: a change that must lock
    jobs.job is refused after lock_timeout while a writer is inside, and the
    attempt leaves nothing behind."""
    touch(sql_copy, "50_policies/jobs.sql")
    ledger = db.execute("SELECT path, sha256 FROM jobs.deployed_file ORDER BY path").fetchall()
    with pytest.raises(SetupError, match="could not take its locks"):
        apply_sql(url_of(db), sql_copy, retry_for=0)
    assert db.execute("SELECT path, sha256 FROM jobs.deployed_file ORDER BY path"
                      ).fetchall() == ledger


# --- what survives and what goes -------------------------------------------------------------

def test_an_analysts_view_over_api_survives_every_kind_of_deploy(db, sql_copy):
    db.execute("CREATE VIEW public.my_report AS"
               " SELECT j.id, j.status, q.paused FROM api.jobs AS j JOIN api.queues AS q"
               " ON q.name = j.queue")
    db.execute("INSERT INTO api.jobs (name) VALUES ('reported')")
    # Unchanged; the view's file changed; everything again (as after a migration).
    apply_sql(url_of(db))
    touch(sql_copy, "30_views/jobs.sql")
    apply_sql(url_of(db), sql_copy)
    db.execute("DELETE FROM jobs.deployed_file WHERE path = '<migrations>'")
    apply_sql(url_of(db))
    assert db.execute("SELECT status::text FROM public.my_report").fetchall() == [("queued",)]


EXTRA = """
CREATE OR REPLACE FUNCTION jobs_internal.extra_answer() RETURNS {result}
LANGUAGE sql IMMUTABLE RETURN 42;
CREATE OR REPLACE VIEW api.extra AS SELECT jobs_internal.extra_answer() AS answer;
CREATE OR REPLACE FUNCTION jobs_internal.tg_extra() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$;
CREATE OR REPLACE TRIGGER _900_extra AFTER TRUNCATE ON jobs.queue
FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_extra();
CREATE POLICY extra ON jobs.job_file TO jobs_admin USING (FALSE);
"""
PRESENT = {
    "function": "to_regprocedure('jobs_internal.extra_answer()')",
    "view": "to_regclass('api.extra')",
    "trigger": "(SELECT oid FROM pg_trigger WHERE tgname = '_900_extra')",
    "policy": "(SELECT oid FROM pg_policy WHERE polname = 'extra')",
}


def test_what_sql_no_longer_declares_is_dropped(db, sql_copy):
    add_file(sql_copy, "extra.sql", EXTRA.format(result="integer"))
    apply_sql(url_of(db), sql_copy)
    assert all(exists(db, query) for query in PRESENT.values())
    # A new result type: the function is dropped and made again, its view too.
    (sql_copy / "extra.sql").write_text(EXTRA.format(result="bigint"))
    apply_sql(url_of(db), sql_copy)
    assert db.execute("SELECT pg_typeof(answer)::text FROM api.extra").fetchone() == ("bigint",)
    remove_file(sql_copy, "extra.sql")
    apply_sql(url_of(db), sql_copy)
    assert [kind for kind, query in PRESENT.items() if exists(db, query)] == []


def test_a_removed_object_someone_depends_on_stops_the_deploy(db, sql_copy):
    add_file(sql_copy, "extra.sql", EXTRA.format(result="integer"))
    apply_sql(url_of(db), sql_copy)
    db.execute("CREATE VIEW public.uses_extra AS SELECT answer FROM api.extra")
    remove_file(sql_copy, "extra.sql")
    with pytest.raises(SetupError, match="view uses_extra depends on view api.extra"):
        apply_sql(url_of(db), sql_copy)
    # Nothing changed: the deploy was one transaction.
    assert all(exists(db, query) for query in PRESENT.values())
    assert db.execute("SELECT answer FROM public.uses_extra").fetchone() == (42,)


def test_a_missing_object_is_declared_again_though_its_file_did_not_change(db):
    db.execute("DROP FUNCTION api.next_due(text[])")
    apply_sql(url_of(db))
    assert exists(db, "to_regprocedure('api.next_due(text[])')")


def test_a_replacement_never_drops_what_is_not_sql_s_own(db, sql_copy):
    add_file(sql_copy, "extra.sql", EXTRA.format(result="integer"))
    apply_sql(url_of(db), sql_copy)
    db.execute("CREATE VIEW public.uses_extra AS SELECT answer FROM api.extra")
    (sql_copy / "extra.sql").write_text(EXTRA.format(result="bigint"))
    with pytest.raises(SetupError, match=r"cannot change return type .* relation uses_extra"):
        apply_sql(url_of(db), sql_copy)
    assert db.execute("SELECT pg_typeof(answer)::text FROM public.uses_extra").fetchone() \
        == ("integer",)


def test_each_file_comes_after_the_files_it_depends_on():
    """The "Depends on:" line of each file names files (or folders) of sql/;
    deploy_order.txt must run those first."""
    order = [f.name for f in sql_files()]
    late = []
    for position, name in enumerate(order):
        text = (SQL_DIR / name).read_text()
        match = re.search(r"Depends on:(.*?)(?:\n(?!--)|\n--\s*\n|$)", text, re.S)
        if not match:
            continue
        for token in re.findall(r"\b(?:\d\d_\w+/)?\w+\.sql\b|\b\d\d_\w+\b(?!\.sql|/)", match.group(1)):
            if token.endswith(".sql") and "/" not in token:
                here = str(Path(name).parent / token).removeprefix("./")
                token = here if here in order else token
            needed = [n for n in order if n == token or n.startswith(token + "/")]
            assert needed, f"{name} depends on {token}, which is not in sql/"
            late += [(name, n) for n in needed if order.index(n) > position]
    assert late == [], late


def test_the_api_roles_run_without_jit(db):
    """PostgREST applies a role's settings to each of its requests: on a large
    table, JIT compiling made a metrics scrape two to three times slower."""
    settings = dict(db.execute(
        "SELECT r.rolname, coalesce(s.setconfig, '{}') FROM pg_roles AS r"
        " LEFT JOIN pg_db_role_setting AS s ON s.setrole = r.oid AND s.setdatabase = 0"
        " WHERE r.rolname IN ('jobs_user', 'jobs_worker', 'jobs_admin', 'jobs_metrics')"
    ).fetchall())
    assert settings == {role: ["jit=off"] for role in
                        ("jobs_user", "jobs_worker", "jobs_admin", "jobs_metrics")}
