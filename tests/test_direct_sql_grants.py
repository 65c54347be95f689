"""Direct database logins reach no more than the same role over HTTP.

PostgREST reaches the tables through the api views; a login of an api role
can name the tables in jobs. Each table grant must therefore be covered, for
the same role and column, by a grant on a view over that table. What a role
may change beyond that goes through SECURITY DEFINER functions, which keep
to the caller's scope themselves: the second half checks them from direct
logins of each role."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import psycopg
import pytest

from factories import call, make_job

ROLES = ("anon", "jobs_user", "jobs_worker", "jobs_admin")

# Every (table, column, privilege) of the jobs schema that a role holds,
# beside whether a view of the api schema built on that table grants the
# same role the same privilege on that column (of the same name, or renamed
# as RENAMED says). DELETE is per table: column "*".
RENAMED = {"maintenance": {"started_at": "last_started_at", "finished_at": "last_finished_at",
                           "result": "last_result"}}
GRANTS = """
WITH tables AS (
    SELECT c.oid, c.relname
    FROM pg_class AS c
    WHERE c.relnamespace = 'jobs'::regnamespace AND c.relkind IN ('r', 'p')
),
views_over AS (
    SELECT DISTINCT d.refobjid AS table_oid, r.ev_class AS view_oid
    FROM pg_depend AS d
    JOIN pg_rewrite AS r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
    JOIN pg_class AS v ON v.oid = r.ev_class
    WHERE v.relnamespace = 'api'::regnamespace AND d.refobjid <> r.ev_class
),
held AS (
    SELECT t.oid, t.relname, a.attname AS col, p.priv
    FROM tables AS t
    JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
    CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) AS p (priv)
    WHERE has_column_privilege(%(role)s, t.oid, a.attnum, p.priv)
    UNION ALL
    SELECT t.oid, t.relname, '*', 'DELETE'
    FROM tables AS t
    WHERE has_table_privilege(%(role)s, t.oid, 'DELETE')
)
SELECT h.relname, h.col, h.priv, EXISTS (
    SELECT FROM views_over AS o
    WHERE o.table_oid = h.oid AND (
        CASE WHEN h.col = '*'
            THEN has_table_privilege(%(role)s, o.view_oid, h.priv)
            ELSE EXISTS (
                SELECT FROM pg_attribute AS va
                WHERE va.attrelid = o.view_oid
                  AND va.attname = coalesce(%(renamed)s::jsonb -> h.relname ->> h.col, h.col)
                  AND has_column_privilege(%(role)s, o.view_oid, va.attnum, h.priv)
            )
        END
    )
) AS covered
FROM held AS h
ORDER BY 1, 2, 3
"""


def grants(db: psycopg.Connection, role: str) -> list[tuple[str, str, str, bool]]:
    return db.execute(GRANTS, {"role": role, "renamed": json.dumps(RENAMED)}).fetchall()


@pytest.mark.parametrize("role", ROLES)
def test_each_table_grant_is_covered_by_a_view_grant(db, role):
    rows = grants(db, role)
    uncovered = [(table, col, priv) for table, col, priv, covered in rows if not covered]
    assert uncovered == [], "\n".join(map(str, uncovered))
    if role != "anon":
        # The matrix is not empty: each api role reads jobs straight from the table.
        assert ("job", "id", "SELECT", True) in rows


def test_the_workers_table_rights_are_reading(db):
    """The grant that was too wide: a worker changed any column of any job of
    its queues. Now it reads jobs, locks and the worker list, and writes only
    the files of its jobs."""
    rows = grants(db, "jobs_worker")
    written = {(table, priv) for table, _, priv, _ in rows if priv != "SELECT"}
    assert written == {("job_file", "INSERT")}


# --- direct logins of each role


@pytest.fixture
def login(db, connect) -> Iterator[Callable[..., psycopg.Connection]]:
    """Make a login that is a member of one api role, and connect as it."""
    made: list[str] = []

    def _login(role: str, queues: list[str] | None = None) -> psycopg.Connection:
        name = f"direct_{role}_{len(made)}"
        db.execute(f"DROP ROLE IF EXISTS {name}")
        db.execute(f"CREATE ROLE {name} LOGIN IN ROLE {role}")
        made.append(name)
        if queues is not None:
            db.execute("INSERT INTO api.worker_logins (role_name, queues) VALUES (%s, %s)",
                       (name, queues))
        return connect(user=name)

    yield _login
    for name in made:
        db.execute("DELETE FROM api.worker_logins WHERE role_name = %s", (name,))
        db.execute(f"DROP OWNED BY {name}")
        db.execute(f"DROP ROLE {name}")


@pytest.fixture
def running(db) -> dict[str, int]:
    """A job running in queue q and one in queue other, both held by w9, both
    with a lock."""
    ids = {}
    for queue in ("q", "other"):
        job_id = make_job(db, queue=queue, name=f"in-{queue}", locks=[f"lock-{queue}"])["id"]
        [claimed] = call(db, "claim_jobs", queues=[queue], worker="w9")
        assert claimed["id"] == job_id
        ids[queue] = job_id
    return ids


@pytest.mark.parametrize("statement", [
    "UPDATE jobs.job SET status = 'completed' WHERE id = %(id)s",
    "UPDATE jobs.job SET result = '{\"forged\": true}' WHERE id = %(id)s",
    "UPDATE jobs.job SET lease_expires_at = now() + interval '1 day' WHERE id = %(id)s",
    "DELETE FROM jobs.job_lock WHERE job_id = %(id)s",
    "INSERT INTO jobs.job_lock (name, worker) VALUES ('mine', 'w9')",
    "UPDATE jobs.worker SET stopped_at = now() WHERE name = 'w9'",
])
def test_a_worker_login_changes_nothing_in_the_tables(db, login, running, statement):
    conn = login("jobs_worker", queues=["q"])
    before = db.execute("SELECT status, result, lease_expires_at FROM jobs.job"
                        " WHERE id = %s", (running["q"],)).fetchone()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, {"id": running["q"]})
    after = db.execute("SELECT status, result, lease_expires_at FROM jobs.job"
                       " WHERE id = %s", (running["q"],)).fetchone()
    assert after == before
    assert db.execute("SELECT count(*) FROM jobs.job_lock").fetchone() == (2,)


@pytest.mark.parametrize("report", ["heartbeat_jobs", "complete_jobs", "fail_jobs"])
def test_a_worker_login_reports_only_on_the_jobs_of_its_queues(db, login, running, report):
    conn = login("jobs_worker", queues=["q"])
    items = [{"job_id": running["q"]}, {"job_id": running["other"]}]
    answered = {row.get("id", row.get("job_id")) for row in call(conn, report, **{
        {"heartbeat_jobs": "beats", "complete_jobs": "results", "fail_jobs": "failures"}[report]:
        items}, worker="w9")}
    assert answered == {running["q"]}
    assert db.execute("SELECT status::text, lease_expires_at > now() + interval '2 min'"
                      " FROM jobs.job WHERE id = %s", (running["other"],)).fetchone() \
        == ("running", True)


def test_a_worker_login_rescues_the_expired_leases_of_its_queues_only(db, login, running):
    db.execute("UPDATE jobs.job SET lease_expires_at = now() - interval '1 s'"
               " WHERE id = ANY(%s)", (list(running.values()),))
    conn = login("jobs_worker", queues=["q"])
    assert [row["id"] for row in call(conn, "reap_expired_leases")] == [running["q"]]
    assert db.execute("SELECT status::text FROM jobs.job WHERE id = %s",
                      (running["other"],)).fetchone() == ("running",)
    # Maintenance rescues every queue, whoever runs it.
    assert call(conn, "run_maintenance")[0]["run_maintenance"]["leases_rescued"] == 1


def test_a_user_login_takes_and_releases_locks_through_the_functions_only(db, login, running):
    conn = login("jobs_user")
    for statement in ("INSERT INTO jobs.job_lock (name, worker) VALUES ('x', 'me')",
                      "DELETE FROM jobs.job_lock"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
    [taken] = call(conn, "acquire_lock", name="report")
    assert taken["worker"] == conn.info.user
    # A lock held by a job the login cannot see: taken, but not by whom.
    for function in ("acquire_lock", "release_lock"):
        with pytest.raises(psycopg.Error) as refused:
            call(conn, function, name="lock-q")
        assert refused.value.diag.message_primary == "lock lock-q is held by someone else"
    assert [row["name"] for row in call(conn, "release_lock", name="report")] == ["report"]
    assert db.execute("SELECT name FROM jobs.job_lock ORDER BY name").fetchall() \
        == [("lock-other",), ("lock-q",)]


def test_an_admin_login_clears_a_lock_in_the_table_as_over_http(db, login, running):
    conn = login("jobs_admin")
    assert conn.execute("DELETE FROM api.job_locks WHERE name = 'lock-q'").rowcount == 1
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE jobs.worker SET stopped_at = now()")
