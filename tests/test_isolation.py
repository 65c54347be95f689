"""Per-caller isolation in SQL itself: row level security and the scoped
ledger readers, for sessions that act as PostgREST does (SET ROLE plus the
JWT claims) and for plain login roles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from factories import call, finish, make_job


def act_as(conn: psycopg.Connection, role: str, sub: str | None = None,
           **claims: Any) -> psycopg.Connection:
    """Make the session what PostgREST makes it for a token of role and sub."""
    conn.execute(f"SET ROLE {role}")
    if sub is not None:
        claims["sub"] = sub
    conn.execute("SELECT set_config('request.jwt.claims', %s, false)",
                 (json.dumps({"role": role, **claims}),))
    return conn


@pytest.fixture
def callers(connect) -> dict[str, psycopg.Connection]:
    return {
        "alice": act_as(connect(), "jobs_user", "alice"),
        "bob": act_as(connect(), "jobs_user", "bob"),
        "worker_q": act_as(connect(), "jobs_worker", "w1", queues=["q"]),
        "worker_all": act_as(connect(), "jobs_worker", "w2", queues=["*"]),
        "worker_none": act_as(connect(), "jobs_worker", "w3"),
        "admin": act_as(connect(), "jobs_admin", "root"),
    }


@pytest.fixture
def seeded(callers) -> dict[str, list[int]]:
    """alice: two jobs in q, one in etl; bob: two jobs in q2; some finished."""
    alice, bob = callers["alice"], callers["bob"]
    ids = {
        "alice": [make_job(alice, queue="q", name="a1")["id"],
                  make_job(alice, queue="q", name="a2")["id"]],
        "bob": [make_job(bob, queue="q2", name="b1", payload={"secret": "bob"})["id"],
                make_job(bob, queue="q2", name="b2")["id"]],
    }
    admin = callers["admin"]
    for job_id in (ids["alice"][0], ids["bob"][0]):
        admin.execute("UPDATE jobs.job SET status = 'running', worker = 'w' WHERE id = %s",
                      (job_id,))
        finish(admin, job_id, "completed")
    return ids


def visible_ids(conn: psycopg.Connection, relation: str = "api.jobs") -> set[int]:
    return {row[0] for row in conn.execute(f"SELECT id FROM {relation}")}


def test_each_caller_sees_exactly_its_scope(callers, seeded):
    alice, bob = set(seeded["alice"]), set(seeded["bob"])
    assert visible_ids(callers["alice"]) == alice
    assert visible_ids(callers["bob"]) == bob
    assert visible_ids(callers["worker_q"]) == alice  # alice's jobs are in q
    assert visible_ids(callers["worker_all"]) == alice | bob
    assert visible_ids(callers["worker_none"]) == set()
    assert visible_ids(callers["admin"]) == alice | bob


def test_events_and_locks_follow_their_job(callers, seeded):
    bob_job = seeded["bob"][0]
    for name in ("alice", "worker_q"):
        rows = callers[name].execute(
            "SELECT count(*) FROM api.job_events WHERE job_id = %s", (bob_job,)).fetchone()
        assert rows == (0,), name
    assert callers["bob"].execute(
        "SELECT count(*) FROM api.job_events WHERE job_id = %s", (bob_job,)).fetchone()[0] > 0


@pytest.mark.parametrize("caller", ["alice", "bob", "worker_q", "worker_all", "worker_none",
                                    "admin"])
def test_the_counts_ledger_agrees_with_the_rows_a_caller_sees(callers, seeded, caller):
    conn = callers[caller]
    scanned = dict(conn.execute(
        "SELECT status::text, count(*) FROM jobs.job GROUP BY status").fetchall())
    counted = dict(conn.execute(
        "SELECT status::text, sum(jobs)::bigint FROM jobs_internal.queue_counts()"
        " GROUP BY status HAVING sum(jobs) <> 0").fetchall())
    assert counted == scanned
    [stats] = conn.execute("SELECT total_jobs FROM api.job_stats").fetchall()
    assert stats[0] == sum(scanned.values())


@pytest.mark.parametrize("caller", ["alice", "bob", "worker_q", "admin"])
def test_the_history_ledgers_agree_with_the_rows_a_caller_sees(callers, seeded, caller):
    conn = callers[caller]
    finished = conn.execute(
        "SELECT count(*) FROM jobs.job WHERE status = 'completed'").fetchone()[0]
    recorded = conn.execute(
        "SELECT coalesce(sum(completed), 0) FROM api.daily_job_stats").fetchone()[0]
    assert recorded == finished
    names = {r[0] for r in conn.execute("SELECT name FROM jobs.job")}
    assert {r[0] for r in conn.execute("SELECT name FROM api.latest_runs")} == names


@pytest.mark.parametrize("caller", ["alice", "bob", "worker_q", "worker_none", "admin"])
def test_queue_depth_and_minutes_count_what_a_caller_sees(callers, seeded, caller):
    """The definer readers (queue_depth's probes, the minute ledger) keep to
    the scope as row level security does for the rows themselves."""
    conn = callers[caller]
    waiting = dict(conn.execute(
        "SELECT queue, count(*) FROM jobs.job WHERE status = 'queued' GROUP BY queue"
    ).fetchall())
    depth = {q: n for q, n in conn.execute("SELECT queue, waiting FROM api.queue_depth")
             if n}
    assert depth == waiting
    oldest = dict(conn.execute(
        "SELECT queue, min(run_at) FROM jobs.job WHERE status = 'queued' GROUP BY queue"
    ).fetchall())
    assert {q: t for q, t in conn.execute("SELECT queue, oldest_run_at FROM api.queue_depth")
            if t is not None} == oldest
    completed = conn.execute(
        "SELECT count(*) FROM jobs.job WHERE status = 'completed'").fetchone()[0]
    assert conn.execute("SELECT coalesce(sum(completed), 0) FROM api.minute_job_stats"
                        ).fetchone()[0] == completed


def test_latest_runs_shows_a_users_own_newest_run_of_a_shared_name(callers):
    mine = make_job(callers["alice"], name="nightly")["id"]
    make_job(callers["bob"], name="nightly")  # newer, someone else's
    rows = callers["alice"].execute("SELECT job_id FROM api.latest_runs").fetchall()
    assert rows == [(mine,)]


def test_a_users_submission_is_owned_by_its_sub_whatever_the_row_says(callers):
    conn = callers["alice"]
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("INSERT INTO api.jobs (name, owner) VALUES ('x', 'bob')"
                          " RETURNING owner").fetchone()
    assert row == {"owner": "alice"}
    assert visible_ids(callers["bob"]) == set()


def test_an_admin_may_submit_on_someones_behalf(callers):
    row = callers["admin"].execute(
        "INSERT INTO api.jobs (name, owner) VALUES ('x', 'bob') RETURNING id").fetchone()
    assert visible_ids(callers["bob"]) == {row[0]}


def test_a_user_cannot_move_a_job_to_another_owner(callers, seeded):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        callers["alice"].execute("UPDATE jobs.job SET owner = 'bob' WHERE id = %s",
                                 (seeded["alice"][1],))


@pytest.mark.parametrize("function", ["cancel_job", "retry_job", "retry_failed_retries"])
def test_acting_on_another_users_job_is_not_found(callers, seeded, function):
    bob_job = seeded["bob"][0]
    with pytest.raises(psycopg.Error) as caught:
        call(callers["alice"], function, job_id=bob_job)
    assert caught.value.sqlstate == "PT404"
    assert visible_ids(callers["bob"]) == set(seeded["bob"])


def test_a_follow_up_of_another_users_job_is_not_found(callers, seeded):
    with pytest.raises(psycopg.Error) as caught:
        make_job(callers["alice"], name="next", after_job_id=seeded["bob"][1])
    assert caught.value.sqlstate == "PT404"


def test_a_worker_claims_only_from_the_queues_of_its_token(callers, seeded):
    worker = callers["worker_q"]
    with pytest.raises(psycopg.Error) as caught:
        call(worker, "claim_jobs", queues=["q2"], worker="w1", max_jobs=10)
    assert caught.value.sqlstate == "PT403"
    claimed = call(worker, "claim_jobs", worker="w1", max_jobs=10)
    assert [j["id"] for j in claimed] == [seeded["alice"][1]]  # bob's q2 job stays queued
    assert call(callers["worker_none"], "claim_jobs", worker="w3", max_jobs=10) == []


def test_a_worker_cannot_report_on_a_job_outside_its_queues(callers, seeded):
    claimed = call(callers["worker_all"], "claim_jobs", queues=["q2"], worker="w2")
    [job] = claimed
    with pytest.raises(psycopg.Error) as caught:
        call(callers["worker_q"], "complete_job", job_id=job["id"])
    assert caught.value.sqlstate == "PT404"


def test_lock_names_are_shared_but_their_holders_are_not_shown(callers):
    call(callers["alice"], "acquire_lock", name="nightly-load")
    with pytest.raises(psycopg.Error) as taken:
        call(callers["bob"], "acquire_lock", name="nightly-load")
    assert taken.value.sqlstate == "PT409"
    assert "alice" not in str(taken.value) and "alice" not in str(taken.value.diag.message_detail)
    with pytest.raises(psycopg.Error) as refused:
        call(callers["bob"], "release_lock", name="nightly-load")
    assert refused.value.sqlstate == "PT403"
    assert callers["bob"].execute("SELECT count(*) FROM api.job_locks").fetchone() == (0,)
    assert callers["admin"].execute("SELECT worker FROM api.job_locks").fetchall() == [("alice",)]


# --- sessions that are not PostgREST

@pytest.fixture
def login_role(db) -> Iterator[str]:
    """A login role that is a jobs_user itself, as a DBA might create one."""
    name = "isolation_login"
    db.execute(f"DROP ROLE IF EXISTS {name}")
    db.execute(f"CREATE ROLE {name} LOGIN IN ROLE jobs_user")
    yield name
    db.execute(f"DROP OWNED BY {name}")
    db.execute(f"DROP ROLE {name}")


def test_a_plain_login_acts_as_itself_and_cannot_claim_another_sub(connect, callers, seeded,
                                                                   login_role):
    conn = connect(user=login_role)
    # Claims set by a session PostgREST did not open count for nothing.
    conn.execute("SELECT set_config('request.jwt.claims', '{\"sub\": \"bob\"}', false)")
    assert conn.execute("SELECT jobs_internal.current_actor()").fetchone() == (login_role,)
    assert visible_ids(conn) == set()
    job = make_job(conn, name="mine")
    assert job["owner"] == login_role
    assert visible_ids(conn) == {job["id"]}


@pytest.mark.parametrize("statement", [
    "UPDATE jobs.job SET num_success = 5 WHERE id = %(id)s",
    "UPDATE jobs.job SET worker = 'w1' WHERE id = %(id)s",
    "UPDATE jobs.job SET retry_of = 1 WHERE id = %(id)s",
    "UPDATE jobs.job SET status = 'running' WHERE id = %(id)s",
    "UPDATE jobs.job SET result = '{}' WHERE id = %(id)s",
    "INSERT INTO jobs.job (name, retry_of, root_job_id) VALUES ('x', %(id)s, %(id)s)",
    "INSERT INTO jobs.job (name, num_success) VALUES ('x', 5)",
])
def test_a_user_login_writes_in_the_table_only_what_the_view_allows(connect, login_role,
                                                                    statement):
    conn = connect(user=login_role)
    job = make_job(conn, name="mine")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, {"id": job["id"]})
    # What the view allows, and the functions that check the caller's scope.
    conn.execute("UPDATE jobs.job SET priority = 4 WHERE id = %s", (job["id"],))
    [row] = conn.execute("SELECT status::text FROM api.cancel_job(%s)", (job["id"],)).fetchall()
    assert row == ("cancelled",)


# --- how the rules are written

def test_every_jobs_table_an_api_role_reads_has_row_level_security(db):
    """A table granted to users or workers either has policies or is shared on purpose."""
    # Queue settings, the worker list and the state of maintenance are for everyone.
    shared = {"queue", "worker", "maintenance"}
    rows = db.execute("""
        SELECT c.relname, c.relrowsecurity
        FROM pg_class AS c
        WHERE c.relnamespace = 'jobs'::regnamespace AND c.relkind = 'r'
          AND (has_table_privilege('jobs_user', c.oid, 'SELECT')
               OR has_table_privilege('jobs_worker', c.oid, 'SELECT'))
    """).fetchall()
    assert rows, "no table is granted"
    unprotected = {name for name, rls in rows if not rls} - shared
    assert unprotected == set()
    ledgers = ("queue_count", "job_history", "name_latest")
    for ledger in ledgers:
        for role in ("jobs_user", "jobs_worker", "jobs_admin", "anon"):
            assert not db.execute("SELECT has_table_privilege(%s, %s, 'SELECT')",
                                  (role, f"jobs.{ledger}")).fetchone()[0], (role, ledger)


def test_every_security_definer_function_fixes_its_search_path(db):
    rows = db.execute("""
        SELECT p.oid::regprocedure::text
        FROM pg_proc AS p
        WHERE p.prosecdef
          AND p.pronamespace IN ('api'::regnamespace, 'jobs_internal'::regnamespace)
          AND NOT coalesce(p.proconfig, '{}') @> ARRAY['search_path=""']
    """).fetchall()
    assert rows == []


def test_every_policy_is_described(db):
    rows = db.execute("""
        SELECT p.polname
        FROM pg_policy AS p
        WHERE obj_description(p.oid, 'pg_policy') IS NULL
    """).fetchall()
    assert db.execute("SELECT count(*) FROM pg_policy").fetchone()[0] >= 8
    assert rows == []


def test_a_job_moved_to_another_queue_is_the_latest_run_of_its_name_there(callers):
    """latest_runs of a worker of queue q shows a name whose newest job an
    admin moved into q from elsewhere."""
    admin, worker_q = callers["admin"], callers["worker_q"]
    moved = make_job(admin, queue="elsewhere", name="nightly")["id"]
    assert worker_q.execute("SELECT job_id FROM api.latest_runs WHERE name = 'nightly'"
                            ).fetchall() == []
    admin.execute("UPDATE api.jobs SET queue = 'q' WHERE id = %s", (moved,))
    assert worker_q.execute("SELECT job_id, queue FROM api.latest_runs WHERE name = 'nightly'"
                            ).fetchall() == [(moved, "q")]


# The SECURITY DEFINER functions of jobs_internal each api role may call
# itself: readers that keep to the caller's scope, and what a heartbeat or
# run_schedule runs. The housekeeping maintenance runs as its owner is in no
# list (sql/90_privileges.sql).
DEFINER_FUNCTIONS_FOR_ALL = {
    "history_rows", "is_schedule_owner", "latest_job_ids", "lock_is_taken", "login_queues",
    "maintenance_mode", "minute_history_rows", "queue_counts", "queue_depth", "retention_keeps",
    "seconds_to_next_due", "unfinished_descendant",
}
DEFINER_FUNCTIONS = {
    "jobs_user": DEFINER_FUNCTIONS_FOR_ALL,
    "jobs_worker": DEFINER_FUNCTIONS_FOR_ALL | {"see_worker"},
    "jobs_admin": DEFINER_FUNCTIONS_FOR_ALL | {"see_worker", "fire_schedule"},
    # A scraper's token: whoami's view of its scope; api.metrics reads the rest.
    "jobs_metrics": {"login_queues"},
}


@pytest.mark.parametrize("role", sorted(DEFINER_FUNCTIONS))
def test_api_roles_execute_only_the_definer_functions_they_need(db, role):
    callable_ = {name for (name,) in db.execute(
        "SELECT p.proname FROM pg_proc AS p"
        " WHERE p.pronamespace = 'jobs_internal'::regnamespace AND p.prosecdef"
        " AND has_function_privilege(%s, p.oid, 'EXECUTE')", (role,)).fetchall()}
    assert callable_ == DEFINER_FUNCTIONS[role]
