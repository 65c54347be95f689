"""The schema as a deploy leaves it, committed in schema/dump.sql to be read
and diffed in review, and three ways of reaching it that must agree:

- a fresh deploy (the template database every test starts from);
- every migration rolled back down to nothing and applied again, then a
  deploy (the -- migrate:down sections run);
- the database of the previous release (its migrations and sql/, from git)
  deployed forward.

After a change to migrations/ or sql/, write the new dump with
JOBSAPI_WRITE_SCHEMA=1 pytest tests/test_schema_dump.py and commit it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from jobsapi.server.cluster import pg_bindir
from jobsapi.server.migrate import _with_sslmode, dbmate_binary, deploy, run_migrations
from jobsapi.server.paths import MIGRATIONS_DIR
from jobsapi.server.sql_deploy import apply_sql

ROOT = Path(__file__).resolve().parents[1]
DUMP = ROOT / "schema" / "dump.sql"


def dump(url: str) -> str:
    """pg_dump --schema-only, without what differs from one run to the next."""
    out = subprocess.run([str(pg_bindir() / "pg_dump"), "--schema-only", "--no-owner", url],
                         capture_output=True, text=True, check=True).stdout
    kept = [line for line in out.splitlines()
            if not line.startswith(("-- Dumped ", "\\restrict", "\\unrestrict"))]
    return "\n".join(kept).strip() + "\n"


def url_of(db: psycopg.Connection, dbname: str | None = None) -> str:
    info = db.info
    return f"postgresql://{info.user}@{info.host}:{info.port}/{dbname or info.dbname}"


@pytest.fixture
def scratch(db):
    """An empty database beside the test's, dropped at the end."""
    name = f"scratch_{db.info.dbname}"
    db.execute(f"DROP DATABASE IF EXISTS {name}")
    db.execute(f"CREATE DATABASE {name}")
    yield url_of(db, name)
    db.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_fresh_deploy_matches_the_committed_dump(db):
    fresh = dump(url_of(db))
    if os.environ.get("JOBSAPI_WRITE_SCHEMA"):
        DUMP.parent.mkdir(exist_ok=True)
        DUMP.write_text(fresh)
    assert DUMP.exists(), "write it: JOBSAPI_WRITE_SCHEMA=1 pytest tests/test_schema_dump.py"
    assert fresh == DUMP.read_text(), \
        "the schema changed: JOBSAPI_WRITE_SCHEMA=1 pytest tests/test_schema_dump.py, then review"


def test_every_migration_rolls_back_and_applies_again(scratch):
    run_migrations(scratch)
    migrations = sorted(MIGRATIONS_DIR.glob("*.sql"))
    for _ in migrations:
        subprocess.run([dbmate_binary(), "--url", _with_sslmode(scratch), "--migrations-dir",
                        str(MIGRATIONS_DIR), "--no-dump-schema", "rollback"],
                       capture_output=True, text=True, check=True)
    with psycopg.connect(scratch) as conn:
        assert conn.execute("SELECT count(*) FROM public.schema_migrations").fetchone() == (0,)
        assert conn.execute("SELECT to_regnamespace('jobs')").fetchone() == (None,)
    deploy(scratch)
    assert dump(scratch) == DUMP.read_text()


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                          text=True, check=True).stdout


def test_the_previous_release_deployed_forward_matches_a_fresh_deploy(scratch, tmp_path):
    """The previous release: the last commit before the newest migration
    was added, its migrations and sql/ deployed as it deployed them."""
    newest = sorted(MIGRATIONS_DIR.glob("*.sql"))[-1].relative_to(ROOT)
    added = git("log", "--diff-filter=A", "--format=%H", "--", str(newest)).split()
    assert added, f"git history is needed to find the release before {newest}"
    previous = added[-1] + "^"
    old = tmp_path / "previous"
    old.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", previous,
                              "migrations", "sql"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    run_migrations(scratch, old / "migrations")
    if (old / "sql" / "deploy_order.txt").exists():
        apply_sql(scratch, old / "sql")
    else:  # before deploy_order.txt: every file in path order, in one transaction
        with psycopg.connect(scratch) as conn:
            for path in sorted((old / "sql").rglob("*.sql")):
                conn.execute(path.read_text())
    with psycopg.connect(scratch, autocommit=True) as conn:
        conn.execute("INSERT INTO jobs.job (name) VALUES ('from the previous release')")
    deploy(scratch)
    assert dump(scratch) == DUMP.read_text()
    with psycopg.connect(scratch) as conn:
        assert conn.execute("SELECT name, status::text FROM api.jobs").fetchall() == \
            [("from the previous release", "queued")]
        assert conn.execute("SELECT queue, status::text, jobs FROM jobs_internal.queue_counts()"
                            ).fetchall() == [("default", "queued", 1)]
