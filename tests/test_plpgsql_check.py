"""plpgsql_check over every PL/pgSQL function of api and jobs_internal: the
bodies that sqlfluff cannot see inside $$ are compiled against the real
schema (names, types, casts, unused variables). Trigger functions are
checked against the table of their trigger, with its transition tables.
Debian's postgresql-15-plpgsql-check; `make test` installs it as root."""

from __future__ import annotations

import pytest

# Every finding is reported, warnings included; a function is skipped only
# here, with its reason.
SKIPPED: dict[str, str] = {
    # It reads cron.job only after finding pg_cron created in this database;
    # the test databases have no pg_cron (test_maintenance_cron.py runs it
    # where pg_cron is).
    "jobs_internal.maintenance_mode()": "cron.job exists only where pg_cron is created",
}

CHECK = """
WITH functions AS (
    SELECT p.oid, p.oid::regprocedure::text AS name, t.tgrelid, t.tgoldtable, t.tgnewtable
    FROM pg_proc AS p
    JOIN pg_language AS l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
    LEFT JOIN LATERAL (
        SELECT g.tgrelid, g.tgoldtable, g.tgnewtable FROM pg_trigger AS g
        WHERE g.tgfoid = p.oid ORDER BY g.oid LIMIT 1
    ) AS t ON TRUE
    WHERE p.pronamespace IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
      AND p.oid::regprocedure::text <> ALL(%(skipped)s)
)
SELECT f.name, r.lineno, r.level, r.message, r.detail
FROM functions AS f
CROSS JOIN LATERAL plpgsql_check_function_tb(
    f.oid, coalesce(f.tgrelid, 0), oldtable => f.tgoldtable, newtable => f.tgnewtable,
    extra_warnings => FALSE
) AS r
ORDER BY 1, 2
"""


@pytest.fixture
def checked(db):
    db.execute("CREATE EXTENSION plpgsql_check")
    return db


def test_every_plpgsql_function_compiles_cleanly(checked):
    count = checked.execute(
        "SELECT count(*) FROM pg_proc AS p JOIN pg_language AS l ON l.oid = p.prolang"
        " WHERE l.lanname = 'plpgsql'"
        " AND p.pronamespace IN ('api'::regnamespace, 'jobs_internal'::regnamespace)"
    ).fetchone()[0]
    assert count > 40
    findings = checked.execute(CHECK, {"skipped": list(SKIPPED)}).fetchall()
    assert findings == [], "\n".join(map(str, findings))


def test_the_check_finds_a_broken_body(checked):
    """It reads inside the body: a misspelt column is found before any call."""
    checked.execute("CREATE FUNCTION jobs_internal.broken() RETURNS bigint LANGUAGE plpgsql"
                    " AS $$ BEGIN RETURN (SELECT j.idd FROM jobs.job AS j LIMIT 1); END; $$")
    findings = checked.execute(CHECK, {"skipped": list(SKIPPED)}).fetchall()
    assert [(name, level) for name, _, level, _, _ in findings] == \
        [("jobs_internal.broken()", "error")]
