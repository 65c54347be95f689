"""Deploying onto a running system under load: 8 workers (4 on a connection
string, 4 over HTTP) drain jobs while HTTP clients submit and read as fast
as they can, and the deploy runs three times: unchanged, with changed
functions, and with a changed view and changed triggers on jobs.job. No
request answers 5xx, no worker logs a problem, and every job completes
exactly once.

The test deploys into the session's HTTP database and deploys sql/ as it
is at the end, so the tests after it see what they always see."""

from __future__ import annotations

import logging
import shutil
import threading
from collections import Counter
from pathlib import Path

import httpx

from conftest import Api
from jobsapi.server.paths import SQL_DIR
from jobsapi.server.sql_deploy import apply_sql
from jobsapi.worker import JobRun
from worker_handlers import wait_for
from worker_harness import Workers

JOBS = 1500
HELD = 8


class Traffic:
    """HTTP clients in threads, each submitting a job and reading the lists
    until stopped; every response status is counted."""

    def __init__(self, api: Api, clients: int = 3) -> None:
        self.api = api
        self.statuses: Counter[int] = Counter()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]

    def _run(self) -> None:
        headers = self.api.headers("jobs_user", "alice")
        with httpx.Client(base_url=self.api.url, headers=headers, timeout=30) as http:
            while not self.stopping.is_set():
                for response in (http.post("/jobs", json={"name": "traffic", "queue": "web"}),
                                 http.get("/jobs?limit=20&order=id.desc"),
                                 http.get("/queues")):
                    with self.lock:
                        self.statuses[response.status_code] += 1

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)


def test_deploys_under_load_answer_no_5xx_and_lose_no_report(api: Api, workers: Workers,
                                                             tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="jobsapi")
    changed_functions = Path(shutil.copytree(SQL_DIR, tmp_path / "functions"))
    for name in ("40_functions/claim_jobs.sql", "40_functions/complete_jobs.sql"):
        path = changed_functions / name
        path.write_text(path.read_text() + "\n-- changed\n")
    changed_tables = Path(shutil.copytree(changed_functions, tmp_path / "tables"))
    for name in ("30_views/jobs.sql", "20_internals/counts.sql"):
        path = changed_tables / name
        path.write_text(path.read_text() + "\n-- changed\n")

    started: Counter[int] = Counter()
    lock = threading.Lock()

    # The first jobs wait until the deploys are over: their workers hold
    # them, heartbeat them and report them across the deploys.
    deployed = workers.gate()

    def handler(run: JobRun) -> str:
        with lock:
            started[run.id] += 1
        if run.job.payload.get("hold"):
            assert deployed.wait(60)
        return "done"

    api.sql("INSERT INTO api.jobs (name, queue, payload) SELECT 'job ' || i, 'q',"
            " jsonb_build_object('hold', i <= %s) FROM generate_series(1, %s) AS i", HELD, JOBS)
    for kind in ("dsn",) * 4 + ("http",) * 4:
        workers.start(handler, workers.source(kind), queues=["q"], batch_size=20,
                      concurrency=4)
    with Traffic(api) as traffic:
        wait_for(lambda: api.sql("SELECT count(*) FROM jobs.job WHERE queue = 'q'"
                                 " AND status = 'running' AND payload ->> 'hold' = 'true'"
                                 )[0][0] == HELD, "the held jobs to run")
        apply_sql(api.database_url)
        apply_sql(api.database_url, changed_functions)
        apply_sql(api.database_url, changed_tables)
        apply_sql(api.database_url)  # and back
        assert api.sql("SELECT count(*) FROM jobs.job WHERE queue = 'q' AND status = 'running'"
                       " AND payload ->> 'hold' = 'true'") == [(HELD,)]
        deployed.set()
        wait_for(lambda: api.sql("SELECT count(*) FROM jobs.job WHERE queue = 'q'"
                                 " AND status = 'completed'")[0][0] == JOBS,
                 "every job to complete", timeout=120)
    assert traffic.statuses[201] > 0 and traffic.statuses[200] > 0
    assert {status for status in traffic.statuses if status >= 500} == set()
    assert api.sql("SELECT count(*), min(attempts), max(attempts) FROM jobs.job"
                   " WHERE queue = 'q'") == [(JOBS, 1, 1)]
    assert len(started) == JOBS and set(started.values()) == {1}
    assert [r.getMessage() for r in caplog.records if r.name.startswith("jobsapi")] == []
    # The ledger of counts agrees with the jobs: no statement went uncounted.
    assert api.sql("SELECT status::text, jobs FROM jobs_internal.queue_counts()"
                   " WHERE queue IN ('q', 'web') AND jobs <> 0 ORDER BY 1") \
        == api.sql("SELECT status::text, count(*) FROM jobs.job"
                   " WHERE queue IN ('q', 'web') GROUP BY 1 ORDER BY 1")
