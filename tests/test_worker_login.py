"""A worker's queue scope for a direct database login (jobs.worker_login):
a login that is only a member of jobs_worker runs the LISTENing worker for
the queues it is granted, and reaches nothing else."""

from __future__ import annotations

import re
import secrets

import psycopg
import pytest

from conftest import Api
from jobsapi import Client, Forbidden
from jobsapi.worker import JobRun
from test_cli import Run, jobsapi  # noqa: F401 - the fixture
from worker_handlers import wait_for
from worker_harness import Workers


@pytest.fixture
def login_dsn(api: Api, jobsapi: Run) -> str:  # noqa: F811
    """A new login for queue images, made by `jobsapi worker-login`."""
    name = f"images_worker_{secrets.token_hex(3)}"
    made = jobsapi("worker-login", name, "--queues", "images", "--database-url", api.database_url)
    assert made.code == 0, made.err
    assert made.lines[0] == f"login {name} may work on: images"
    [dsn] = re.findall(r"^export JOBSAPI_DSN=(\S+)$", made.out, re.M)
    return dsn


def test_the_login_runs_a_listening_worker_for_its_queue(api: Api, workers: Workers,
                                                        client: Client, login_dsn: str) -> None:
    done: list[int] = []

    def handler(run: JobRun) -> str:
        done.append(run.id)
        return "resized"

    workers.start(handler, login_dsn, queues=["images"], poll_interval=60)
    wait_for(lambda: api.sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE"
                             " 'LISTEN jobs_%%' AND datname = current_database()")[0][0],
             "the worker to LISTEN")
    job = client.submit("resize", queue="images")
    other = client.submit("mail", queue="mail")
    assert client.wait(job.id, timeout=20, poll_interval=0.05).result == "resized"
    assert client.get(other.id).status == "queued"
    assert done == [job.id]


def test_the_login_reaches_nothing_else(api: Api, client: Client, login_dsn: str) -> None:
    mine = client.submit("resize", queue="images")
    theirs = client.submit("mail", queue="mail")
    with psycopg.connect(login_dsn, autocommit=True) as conn:
        assert conn.execute("SELECT id FROM api.jobs ORDER BY id").fetchall() == [(mine.id,)]
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("SELECT * FROM api.claim_jobs(queues => '{mail}', worker => 'x')")
        assert refused.value.sqlstate == "PT403"
        # Without naming queues, a claim takes from its own only.
        claimed = conn.execute("SELECT id FROM api.claim_jobs(worker => 'x', max_jobs => 10)"
                               ).fetchall()
        assert claimed == [(mine.id,)]
        for forbidden in ("SELECT api.prune_jobs()", "SELECT * FROM api.schedules",
                          "INSERT INTO api.jobs (name) VALUES ('x')",
                          "SELECT * FROM api.worker_logins",
                          f"UPDATE jobs.job SET priority = 4 WHERE id = {theirs.id}"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(forbidden)
    assert client.get(theirs.id).priority == 2


def test_a_worker_member_without_a_row_reaches_no_queue(api: Api, client: Client) -> None:
    name = f"bare_worker_{secrets.token_hex(3)}"
    api.sql(f"CREATE ROLE {name} LOGIN IN ROLE jobs_worker")
    client.submit("resize", queue="images")
    dsn = api.database_url.replace("postgres@", f"{name}@")
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM api.jobs").fetchone() == (0,)
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("SELECT * FROM api.claim_jobs(queues => '{images}', worker => 'x')")
        assert refused.value.sqlstate == "PT403"


def test_admins_see_and_change_worker_logins_over_http(api: Api, login_dsn: str) -> None:
    [row] = api.get("/worker_logins").json()
    assert row["queues"] == ["images"]
    name = row["role_name"]
    response = api.patch(f"/worker_logins?role_name=eq.{name}", json={"queues": ["images", "x"]})
    assert response.status_code == 204, response.text
    response = api.patch(f"/worker_logins?role_name=eq.{name}", json={"queues": []})
    assert response.status_code == 400, response.text
    assert api.get("/worker_logins?select=queues").json() == [{"queues": ["images", "x"]}]
    assert api.get("/worker_logins", role="jobs_worker").status_code == 403
    with pytest.raises(Forbidden):
        Client(api.url, api.token("jobs_user", "alice"))._select("worker_logins", {}, None,
                                                                 None, None)
