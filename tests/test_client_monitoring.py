"""Monitoring from Python and the shell: Client.metrics, whoami and
dashboard_url, and `jobsapi metrics`, `whoami` and `dashboard`, against the
real API (the routes themselves: test_metrics.py, test_http_whoami.py)."""

from __future__ import annotations

import os

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import Api, MakeClient
from jobsapi import Client
from jobsapi.errors import Forbidden, Unauthorized
from test_cli import Run, jobsapi  # noqa: F401 - the fixture


def test_the_client_reads_the_metrics_text(make_client: MakeClient) -> None:
    admin = make_client()
    admin.submit("n", queue="mq")
    families = {f.name: f for f in text_string_to_metric_families(admin.metrics())}
    queued = [s.value for s in families["jobsapi_jobs"].samples
              if s.labels == {"queue": "mq", "status": "queued"}]
    assert queued == [1]


def test_the_client_reports_a_refused_scrape(make_client: MakeClient, api: Api) -> None:
    with pytest.raises(Forbidden) as refused:
        make_client("jobs_user", "alice").metrics()
    assert refused.value.status == 403
    with Client(api.url, "") as anonymous, pytest.raises(Unauthorized) as missing:
        anonymous.metrics()
    assert "a token is needed" in str(missing.value)


def test_whoami_and_the_dashboards_address(make_client: MakeClient, api: Api) -> None:
    worker = make_client("jobs_worker", "w1", queues=["images"])
    me = worker.whoami()
    assert (me["role"], me["sub"], me["queues"]) == ("jobs_worker", "w1", ["images"])
    assert "rpc/claim_jobs" in me["routes"] and "rpc/retry_job" not in me["routes"]
    url = worker.dashboard_url()
    assert url.startswith(f"{api.url}/rpc/dashboard#token=")
    with Client(api.url, url.split("#token=")[1]) as same:
        assert same.whoami() == me


def test_the_commands_print_metrics_identity_and_address(jobsapi: Run,  # noqa: F811
                                                         api: Api) -> None:
    scraped = jobsapi("metrics")
    assert scraped.code == 0, scraped.err
    assert {f.name for f in text_string_to_metric_families(scraped.out)} >= {
        "jobsapi_jobs", "jobsapi_workers_active", "jobsapi_job_duration_seconds"}
    me = jobsapi("whoami")
    assert me.code == 0 and me.lines[0] == "jobs_admin admin: sees every job"
    assert any(line.split()[-1] == "/rpc/metrics" for line in me.lines[1:])
    assert jobsapi("whoami", "--json").json()["everything"] is True
    address = jobsapi("dashboard")
    assert address.code == 0
    token = os.environ["JOBSAPI_TOKEN"]
    assert address.out.strip() == f"{api.url}/rpc/dashboard#token={token}"


def test_a_user_token_may_not_scrape_from_the_shell(jobsapi: Run, api: Api,  # noqa: F811
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBSAPI_TOKEN", api.token("jobs_user", "alice"))
    refused = jobsapi("metrics")
    assert refused.code == 5 and "permission denied" in refused.err
