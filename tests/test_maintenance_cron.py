"""pg_cron really runs maintenance: the test cluster loads pg_cron for its
own database (conftest's CRON_DATABASE, deployed when the cluster starts, as
`jobsapi up` deploys its database), and the deploy scheduled
api.run_maintenance() there every minute. pg_cron fires on the minute, so
this may wait up to ~70 s for the first run (usually it has happened long
before this test runs)."""

from __future__ import annotations

import psycopg
import pytest

from conftest import CRON_DATABASE, dsn
from worker_handlers import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def cron_db(pg_server) -> psycopg.Connection:
    with psycopg.connect(dsn(pg_server.host, pg_server.port, CRON_DATABASE),
                         autocommit=True) as conn:
        yield conn


def test_the_deploy_scheduled_maintenance_in_pg_cron(cron_db: psycopg.Connection) -> None:
    rows = cron_db.execute("SELECT schedule, command, database, active FROM cron.job"
                           " WHERE jobname = 'jobsapi-maintenance'").fetchall()
    assert rows == [("* * * * *", "SELECT api.run_maintenance()", CRON_DATABASE, True)]
    assert cron_db.execute("SELECT mode FROM api.maintenance").fetchone() == ("pg_cron",)


def test_pg_cron_fires_maintenance_and_it_does_its_work(cron_db: psycopg.Connection) -> None:
    """The first run, on the first minute after the cluster started, rescued
    the job conftest left abandoned there (waits only if it has not come yet)."""
    wait_for(lambda: cron_db.execute("SELECT runs > 0 FROM api.maintenance").fetchone()[0],
             "pg_cron's first maintenance run", timeout=75, interval=0.5)
    [(result, started)] = cron_db.execute("SELECT last_result, last_started_at"
                                          " FROM api.maintenance").fetchall()
    assert result["ran"] is True
    assert cron_db.execute("SELECT status::text, attempts FROM jobs.job"
                           " WHERE name = 'abandoned'").fetchall() == [("queued", 1)]
    # pg_cron's own log has the run that wrote that state: the run of the
    # same minute, succeeded, or still running in pg_cron's log (it records
    # the end after the run's own commit, which this test may read in
    # between). The minute, not the instants: pg_cron stamps its start in a
    # transaction of its own, which may come a little after the run's.
    runs = cron_db.execute("SELECT d.status, date_trunc('minute', d.start_time)"
                           " FROM cron.job_run_details AS d JOIN cron.job AS j USING (jobid)"
                           " WHERE j.jobname = 'jobsapi-maintenance'").fetchall()
    minute = started.replace(second=0, microsecond=0)
    assert any(status in ("succeeded", "running") and begun == minute
               for status, begun in runs), (runs, started)


def test_workers_stand_aside_where_pg_cron_runs_maintenance(cron_db: psycopg.Connection) -> None:
    [(result,)] = cron_db.execute("SELECT api.run_maintenance(60, true)").fetchall()
    assert result == {"ran": False, "reason": "pg_cron runs maintenance here"}
