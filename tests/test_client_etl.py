"""The ETL run log from Python: client.etl_run (jobsapi.etl.EtlRun) and the
start_etl_run / end_etl_run / etl_runs / last_success methods under it,
against the real PostgREST."""

from __future__ import annotations

import logging

import pytest

from conftest import Api, MakeClient  # conftest's fixtures
from jobsapi import Client, EtlRun, EtlRunRow, InvalidInput, NotFound

NAME = "orders_to_dwh"
SOURCE = "crm"
DESTINATION = "dwh"

def etl(client: Client, name: str = NAME) -> EtlRun:
    return client.etl_run(name, SOURCE, DESTINATION)


def succeed(client: Client, name: str = NAME, records: int = 1) -> EtlRun:
    """One successful run of name."""
    with etl(client, name) as run:
        run.add(records)
    return run


def fail(client: Client, name: str = NAME) -> EtlRun:
    """One run of name that raises."""
    run = etl(client, name)
    with pytest.raises(RuntimeError):
        with run:
            raise RuntimeError("source down")
    return run


def row(client: Client, run_id: int | None) -> EtlRunRow:
    """The run log's row of one run."""
    [found] = client.etl_runs(id=run_id)
    return found


def hide(api: Api, run_id: int | None) -> None:
    """Take a run out of the run log behind the client's back (it stays a job)."""
    api.sql("UPDATE jobs.job SET type = 'job' WHERE id = %s", run_id)


# --- the context manager -----------------------------------------------------------------

def test_a_run_is_in_progress_inside_the_block_and_a_success_after_it(client: Client) -> None:
    with etl(client) as run:
        assert run.watermark is None                       # never succeeded before
        during = row(client, run.id)
        assert (during.status, during.end_date, during.name) == ("in_progress", None, NAME)
        assert (during.source, during.destination) == (SOURCE, DESTINATION)
        run.records_processed = 500
        run.add(3)
    after = row(client, run.id)
    assert run.row == after
    assert (after.status, after.records_processed) == ("success", 503)
    assert after.start_date == during.start_date
    assert after.end_date is not None and after.end_date >= after.start_date


def test_the_watermark_is_the_start_of_the_previous_successful_run(client: Client) -> None:
    first = succeed(client)
    second = succeed(client)
    assert second.watermark == first.row.start_date
    with etl(client) as third:
        pass
    assert third.watermark == second.row.start_date
    assert client.last_success(NAME) == third.row.start_date


def test_the_watermark_is_per_name(client: Client) -> None:
    succeed(client, "other_job")
    assert succeed(client).watermark is None


def test_an_exception_records_an_error_and_goes_on_unchanged(client: Client) -> None:
    """The very exception object propagates; the run keeps its type and text."""
    boom = ValueError("bad row 7")
    run = etl(client)
    with pytest.raises(ValueError) as raised:
        with run:
            run.add(6)
            raise boom
    assert raised.value is boom
    failed = row(client, run.id)
    assert (failed.status, failed.message, failed.records_processed) == (
        "error", "ValueError: bad row 7", 6)
    assert failed.end_date is not None
    assert client.get(run.id).error == "ValueError: bad row 7"


def test_a_failed_run_does_not_move_the_watermark(client: Client) -> None:
    good = succeed(client)
    failed = fail(client)
    assert failed.watermark == good.row.start_date
    assert row(client, failed.id).status == "error"
    assert succeed(client).watermark == good.row.start_date


def test_a_success_message_is_recorded(client: Client) -> None:
    with etl(client) as run:
        run.message = "3 tables"
    assert row(client, run.id).message == "3 tables"


def test_a_run_is_a_job_of_type_etl(client: Client) -> None:
    run = succeed(client, records=4)
    job = client.get(run.id)
    assert (job.type, job.queue, job.status, job.name, job.num_success) == (
        "etl", "etl", "completed", NAME, 4)
    assert job.started_at == run.row.start_date


def test_a_run_the_database_refuses_to_start_never_runs_its_block(client: Client) -> None:
    """A run without a source is refused by the server; the block is not entered."""
    entered = []
    with pytest.raises(InvalidInput) as refused:
        with client.etl_run(NAME, None, DESTINATION) as run:  # type: ignore[arg-type]
            entered.append(run)
    assert refused.value.message == "an ETL run needs a source and a destination"
    assert entered == []
    assert client.etl_runs() == []


def test_the_scripts_exception_wins_when_its_error_cannot_be_recorded(
        api: Api, client: Client, caplog: pytest.LogCaptureFixture) -> None:
    """The run left the log meanwhile: recording fails, is logged, the error goes on."""
    run = etl(client)
    with caplog.at_level(logging.ERROR, logger="jobsapi.etl"):
        with pytest.raises(KeyError, match="order_id"):
            with run:
                hide(api, run.id)
                raise KeyError("order_id")
    [record] = caplog.records
    assert f"ETL run {run.id}" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[0] is NotFound


def test_a_success_that_cannot_be_recorded_raises(api: Api, client: Client) -> None:
    with pytest.raises(NotFound):
        with etl(client) as run:
            hide(api, run.id)


# --- users and the watermark ---------------------------------------------------------------

def test_a_user_logs_runs_and_gets_a_watermark_of_their_own(
        make_client: MakeClient) -> None:
    """last_success reads jobs under row level security: a user sees only their own runs,
    an admin the newest run of anyone."""
    alice = make_client("jobs_user", "alice")
    bob = make_client("jobs_user", "bob")
    admin = make_client()
    hers = succeed(alice)
    assert (hers.row.status, alice.get(hers.id).owner) == ("success", "alice")
    his = succeed(bob)
    assert his.watermark is None                          # alice's run is not his
    assert succeed(alice).watermark == hers.row.start_date
    assert bob.last_success(NAME) == his.row.start_date
    assert admin.last_success(NAME) == max(
        r.start_date for r in admin.etl_runs(name=NAME))
    assert [r.id for r in bob.etl_runs()] == [his.id]


def test_last_success_counts_a_completed_job_of_the_same_name(client: Client,
                                                              make_client: MakeClient) -> None:
    """As documented: the newest completed job of that name, ETL run or not."""
    run = succeed(client)
    job = client.submit(NAME, queue="plain")
    worker = make_client("jobs_worker", "w1")
    worker.claim(["plain"], worker="w1")
    done = worker.complete(job.id, worker="w1")
    assert done.started_at > run.row.start_date
    assert client.last_success(NAME) == done.started_at


# --- the methods under it --------------------------------------------------------------------

def test_start_and_end_etl_run_log_a_run_by_hand(client: Client) -> None:
    started = client.start_etl_run(NAME, SOURCE, DESTINATION)
    assert (started.status, started.end_date, started.records_processed) == (
        "in_progress", None, None)
    ended = client.end_etl_run(started.id, "error", records_processed=2, message="timeout")
    assert (ended.id, ended.status, ended.records_processed, ended.message) == (
        started.id, "error", 2, "timeout")
    assert ended.end_date is not None


def test_end_etl_run_refuses_an_unknown_run_and_status(client: Client) -> None:
    started = client.start_etl_run(NAME, SOURCE, DESTINATION)
    with pytest.raises(NotFound):
        client.end_etl_run(started.id + 1000, "success")
    with pytest.raises(InvalidInput) as refused:
        client.end_etl_run(started.id, "done")
    assert refused.value.message == "status must be in_progress, success or error, not done"
    assert row(client, started.id).status == "in_progress"


def test_etl_runs_filter_order_and_limit(client: Client) -> None:
    first = succeed(client)
    failed = fail(client)
    other = succeed(client, "other_job")
    assert [r.id for r in client.etl_runs()] == [other.id, failed.id, first.id]
    assert [r.id for r in client.etl_runs(name=NAME, order="id.asc")] == [first.id, failed.id]
    assert [r.id for r in client.etl_runs(status="error")] == [failed.id]
    assert [r.id for r in client.etl_runs(status=["success"], limit=1)] == [other.id]
    assert all(isinstance(r, EtlRunRow) for r in client.etl_runs())


def test_etl_run_returns_an_unstarted_run(client: Client) -> None:
    run = client.etl_run(NAME, SOURCE, DESTINATION)
    assert isinstance(run, EtlRun)
    assert (run.id, run.row, run.watermark, run.records_processed) == (None, None, None, 0)
    assert client.etl_runs() == []
