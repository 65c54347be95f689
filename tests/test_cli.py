"""The jobsapi command against the real API: what each job command prints
(tables for people, --json for scripts) and its exit code for each outcome."""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from conftest import Api  # the client of conftest's api fixture
from jobsapi import Client, cli
from jobsapi.models import Job
from jobsapi.server.cluster import free_port
from jobsapi.server.tokens import make_token
from worker_handlers import TIMEOUT, double, refuse
from worker_harness import Processes, Workers

QUEUE = "q"


@dataclass
class Result:
    """What a jobsapi command did: exit code, stdout, stderr."""

    code: int | str | None
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


Run = Callable[..., Result]

@pytest.fixture
def jobsapi(api: Api, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Run:
    """Run `jobsapi ARGS...` in this process as an admin of the test API."""
    monkeypatch.setenv("JOBSAPI_URL", api.url)
    monkeypatch.setenv("JOBSAPI_TOKEN", api.token())
    monkeypatch.delenv("JOBSAPI_DSN", raising=False)

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            code: int | str | None = cli.main(list(args))
        except SystemExit as exc:
            code = exc.code
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def submitted(result: Result) -> int:
    """The id of the job a plain `jobsapi submit` printed."""
    assert result.code == 0, result.err
    match = re.fullmatch(r"job (\d+) (\w+) in queue (\S+)\n", result.out)
    assert match, result.out
    return int(match.group(1))


def completed(client: Client, name: str = "job", result: Any = None, **fields: Any) -> Job:
    """A job of queue q run to completion with result."""
    job = client.submit(name, queue=QUEUE, **fields)
    assert [j.id for j in client.claim([QUEUE], worker="w1")] == [job.id]
    return client.complete(job.id, result, worker="w1")


def failed(client: Client, name: str = "job", **fields: Any) -> Job:
    """A job of queue q failed for good with error boom."""
    job = client.submit(name, queue=QUEUE, **fields)
    assert [j.id for j in client.claim([QUEUE], worker="w1")] == [job.id]
    return client.fail(job.id, "boom", worker="w1", retry=False)


def field(out: str, name: str) -> str:
    """The value of a `name: value` line of a record."""
    match = re.search(rf"^ *{name}: (.*)$", out, re.MULTILINE)
    assert match, f"no {name} in:\n{out}"
    return match.group(1)


# --- submit


def test_submit_prints_the_new_job_and_stores_what_was_given(jobsapi: Run,
                                                             client: Client) -> None:
    """submit NAME PAYLOAD with options: one line with id, status and queue; the
    job holds the payload, priority, meta and max_attempts given."""
    result = jobsapi("submit", "resize", '{"image": 4}', "--queue", QUEUE, "--priority", "3",
                     "--meta", '{"flow": "F1"}', "--max-attempts", "2")
    job = client.get(submitted(result))
    assert result.out == f"job {job.id} queued in queue {QUEUE}\n"
    assert (job.name, job.queue, job.payload, job.priority, job.meta, job.max_attempts) == \
        ("resize", QUEUE, {"image": 4}, 3, {"flow": "F1"}, 2)


def test_submit_json_prints_the_stored_job(jobsapi: Run, client: Client) -> None:
    """submit --json prints the job as the API stored it."""
    result = jobsapi("submit", "resize", '[1, 2]', "--json")
    assert result.code == 0, result.err
    printed = result.json()
    assert (printed["name"], printed["queue"], printed["status"], printed["payload"]) == \
        ("resize", "default", "queued", [1, 2])
    assert printed == client.get(printed["id"]).to_dict()


def test_submit_run_at_in_the_future_is_scheduled(jobsapi: Run) -> None:
    """--run-at later than now makes the job scheduled."""
    later = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    result = jobsapi("submit", "report", "--run-at", later)
    submitted(result)
    assert " scheduled in queue default" in result.out


@pytest.mark.parametrize(("handler", "code", "status"),
                         [(double, 0, "completed"), (refuse, 1, "failed")],
                         ids=["completed", "failed"])
def test_submit_wait_follows_the_job_until_it_ends(jobsapi: Run, workers: Workers,
                                                   handler: Callable[..., Any], code: int,
                                                   status: str) -> None:
    """submit --wait watches the job a worker runs: exit 0 when it completed
    (with its result), 1 when it failed (with its error)."""
    workers.start(handler, workers.source("http"))
    result = jobsapi("submit", "double", '{"n": 21}', "--queue", QUEUE, "--wait",
                     "--timeout", str(TIMEOUT))
    assert result.code == code, result.err
    last = result.lines[-1]
    assert re.fullmatch(rf"job \d+ {status}: .*", last), result.out
    if status == "completed":
        assert last.endswith(': {"doubled":42}')
    else:
        assert last.endswith(": PermanentFailure: this job cannot succeed")


def test_submit_wait_json_prints_the_finished_job(jobsapi: Run, workers: Workers) -> None:
    """submit --wait --json prints only the finished job, as JSON."""
    workers.start(double, workers.source("http"))
    result = jobsapi("submit", "double", '{"n": 2}', "--queue", QUEUE, "--wait", "--json")
    assert result.code == 0, result.err
    printed = result.json()
    assert (printed["status"], printed["result"], printed["num_success"]) == \
        ("completed", {"doubled": 4}, 1)


def test_submit_wait_gives_up_after_the_timeout(jobsapi: Run) -> None:
    """submit --wait --timeout with no worker: exit 124, the job still queued."""
    result = jobsapi("submit", "lonely", "--wait", "--timeout", "0.3")
    assert result.code == 124
    assert re.search(r"job \d+ is still queued after 0.3s", result.err), result.err


# --- list, show


def test_list_prints_a_table_newest_first_and_filters(jobsapi: Run, client: Client) -> None:
    """list prints a header and one row per job, newest first; --status,
    --queue, --name and --limit narrow it; no match prints "no jobs"."""
    gone = failed(client, "c")
    first = client.submit("a", queue=QUEUE)
    second = client.submit("b", queue="other")
    result = jobsapi("list")
    assert result.code == 0, result.err
    header, *rows = result.lines
    assert header.split() == ["ID", "QUEUE", "NAME", "STATUS", "PROGRESS", "ATTEMPTS",
                              "CREATED_AT", "MESSAGE"]
    assert [row.split()[:4] for row in rows] == [
        [str(second.id), "other", "b", "queued"],
        [str(first.id), QUEUE, "a", "queued"],
        [str(gone.id), QUEUE, "c", "failed"]]

    def ids(*args: str) -> list[int]:
        return [int(row.split()[0]) for row in jobsapi("list", *args).lines[1:]]

    assert ids("--status", "failed") == [gone.id]
    assert ids("--queue", QUEUE) == [first.id, gone.id]
    assert ids("--name", "b") == [second.id]
    assert ids("--limit", "1") == [second.id]
    assert ids("--order", "id.asc", "--status", "queued") == [first.id, second.id]
    assert jobsapi("list", "--status", "running").out == "no jobs\n"


def test_list_json_is_the_jobs_as_objects(jobsapi: Run, client: Client) -> None:
    """list --json prints a JSON array of the jobs (empty when none match)."""
    jobs = [client.submit("a", queue=QUEUE), client.submit("b", queue=QUEUE)]
    result = jobsapi("list", "--json", "--queue", QUEUE)
    assert result.code == 0, result.err
    assert result.json() == [client.get(j.id).to_dict() for j in reversed(jobs)]
    assert jobsapi("list", "--json", "--status", "failed").json() == []


def test_show_prints_the_fields_and_the_events(jobsapi: Run, client: Client) -> None:
    """show JOB prints `field: value` lines, then the job's events as a table."""
    job = completed(client, "export", {"rows": 3}, payload={"day": "2026-11-01"})
    result = jobsapi("show", str(job.id))
    assert result.code == 0, result.err
    out = result.out
    assert (field(out, "id"), field(out, "name"), field(out, "status")) == \
        (str(job.id), "export", "completed")
    assert (field(out, "payload"), field(out, "result"), field(out, "worker")) == \
        ('{"day":"2026-11-01"}', '{"rows":3}', "w1")
    assert not re.search(r"^ *error:", out, re.MULTILINE), "null fields are left out"
    events = out.split("\n\n", 1)[1].splitlines()
    assert events[0].split() == ["HAPPENED_AT", "FROM_STATUS", "TO_STATUS", "ACTOR", "MESSAGE"]
    # happened_at is a date and a time; the first event has no from_status.
    assert events[1].split()[2] == "queued"
    assert [line.split()[2:4] for line in events[2:]] == [["queued", "running"],
                                                          ["running", "completed"]]


def test_show_json_includes_the_events(jobsapi: Run, client: Client) -> None:
    """show --json prints the job with an events array, oldest first."""
    job = failed(client)
    printed = jobsapi("show", str(job.id), "--json").json()
    assert (printed["id"], printed["status"], printed["error"]) == (job.id, "failed", "boom")
    assert [(e["from_status"], e["to_status"]) for e in printed["events"]] == \
        [(None, "queued"), ("queued", "running"), ("running", "failed")]


# --- cancel, retry


def test_cancel_a_waiting_job_then_again_is_a_conflict(jobsapi: Run, client: Client) -> None:
    """cancel JOB: a queued job is cancelled at once (exit 0); cancelling it
    again is a conflict (exit 4) with the server's message."""
    job = client.submit("job", queue=QUEUE)
    result = jobsapi("cancel", str(job.id))
    assert (result.code, result.out) == (0, f"job {job.id} cancelled\n")
    assert client.get(job.id).status == "cancelled"
    again = jobsapi("cancel", str(job.id))
    assert again.code == 4
    assert f"jobsapi: job {job.id} has already finished: it is cancelled" in again.err


def test_cancel_a_completed_job_exits_4(jobsapi: Run, client: Client) -> None:
    """Cancelling a completed job is a conflict: exit 4, nothing printed on stdout."""
    job = completed(client)
    result = jobsapi("cancel", str(job.id))
    assert (result.code, result.out) == (4, "")
    assert "has already finished: it is completed" in result.err
    assert client.get(job.id).status == "completed"


def test_cancel_a_running_job_says_cancelling(jobsapi: Run, client: Client) -> None:
    """A running job is only asked to stop: cancel prints cancelling."""
    job = client.submit("job", queue=QUEUE)
    client.claim([QUEUE], worker="w1")
    assert jobsapi("cancel", str(job.id)).out == f"job {job.id} cancelling\n"


def test_retry_of_a_failed_job_submits_a_linked_job(jobsapi: Run, client: Client) -> None:
    """retry JOB of a failed job: a new job, printed with what it retries."""
    original = failed(client, payload={"x": 1})
    result = jobsapi("retry", str(original.id))
    assert result.code == 0, result.err
    match = re.fullmatch(rf"job (\d+) submitted, a retry of job {original.id}\n", result.out)
    assert match, result.out
    retry = client.get(int(match.group(1)))
    assert (retry.status, retry.type, retry.retry_of, retry.payload) == \
        ("queued", "retry", original.id, {"x": 1})


def test_retry_json_and_retry_of_a_job_without_errors(jobsapi: Run, client: Client) -> None:
    """retry --json prints a list of the new jobs; retrying a completed job
    without errors is a conflict (exit 4) with the server's reason."""
    fine = completed(client)
    original = failed(client)
    [printed] = jobsapi("retry", str(original.id), "--json").json()
    assert (printed["retry_of"], printed["status"]) == (original.id, "queued")
    result = jobsapi("retry", str(fine.id))
    assert result.code == 4 and "without errors" in result.err


# --- stats, queues, pause, resume


def test_stats_prints_jobs_per_status(jobsapi: Run, client: Client) -> None:
    """stats prints the counts as `field: value` lines; --json as an object."""
    failed(client)
    client.submit("a", queue=QUEUE)
    client.submit("b", queue=QUEUE)
    result = jobsapi("stats")
    assert result.code == 0, result.err
    assert (field(result.out, "total_jobs"), field(result.out, "queued"),
            field(result.out, "failed"), field(result.out, "completed")) == ("3", "2", "1", "0")
    printed = jobsapi("stats", "--json").json()
    assert printed == client.stats().to_dict()
    assert (printed["total_jobs"], printed["queued"], printed["failed"]) == (3, 2, 1)


def test_queues_pause_and_resume(jobsapi: Run, client: Client) -> None:
    """queues prints each queue's state and its jobs per status; pause makes
    the state paused (its waiting jobs still counted), resume active again."""
    failed(client)
    client.submit("a", queue=QUEUE)
    client.submit("b", queue=QUEUE)
    client.submit("c", queue="other")

    def rows() -> dict[str, list[str]]:
        result = jobsapi("queues")
        assert result.code == 0, result.err
        header, *lines = result.lines
        assert header.split() == ["NAME", "STATE", "WAITING", "SCHEDULED", "RUNNING",
                                  "COMPLETED", "FAILED", "CANCELLED"]
        return {line.split()[0]: line.split()[1:] for line in lines}

    assert rows() == {"other": ["active", "1", "0", "0", "0", "0", "0"],
                      QUEUE: ["active", "2", "0", "0", "0", "1", "0"]}
    assert jobsapi("pause", QUEUE) == Result(0, f"queue {QUEUE} paused\n", "")
    assert rows()[QUEUE] == ["paused", "2", "0", "0", "0", "1", "0"]
    assert client.claim([QUEUE], worker="w1") == []
    [printed] = [q for q in jobsapi("queues", "--json").json() if q["name"] == QUEUE]
    assert printed["paused"] is True and printed["counts"]["paused"] == 2
    assert jobsapi("resume", QUEUE) == Result(0, f"queue {QUEUE} resumed\n", "")
    assert rows()[QUEUE][0] == "active"


def test_pause_json_and_an_unknown_queue(jobsapi: Run, client: Client) -> None:
    """pause --json prints the queue; pausing a queue that does not exist is
    not found (exit 3)."""
    client.submit("a", queue=QUEUE)
    printed = jobsapi("pause", QUEUE, "--json").json()
    assert (printed["name"], printed["paused"]) == (QUEUE, True)
    result = jobsapi("pause", "nosuchqueue")
    assert result.code == 3 and "nosuchqueue" in result.err


# --- watch


def test_watch_a_completed_job_exits_0_with_its_result(jobsapi: Run, client: Client) -> None:
    """watch JOB of a completed job: a progress line, then the result; exit 0."""
    job = completed(client, result={"rows": 3})
    result = jobsapi("watch", str(job.id))
    assert result.code == 0, result.err
    assert result.lines[-1] == f'job {job.id} completed: {{"rows":3}}'
    assert re.fullmatch(r"\[[#.]{30}\] +\d+% completed", result.lines[0]), result.out


@pytest.mark.parametrize("outcome", ["failed", "cancelled"])
def test_watch_a_job_that_did_not_complete_exits_1(jobsapi: Run, client: Client,
                                                   outcome: str) -> None:
    """watch JOB of a failed or cancelled job: its status (and error); exit 1."""
    if outcome == "failed":
        job = failed(client)
    else:
        job = client.cancel(client.submit("job", queue=QUEUE).id)
    result = jobsapi("watch", str(job.id))
    assert result.code == 1, result.err
    expected = f"job {job.id} failed: boom" if outcome == "failed" else \
        f"job {job.id} cancelled"
    assert result.lines[-1] == expected


def test_watch_json_prints_the_finished_job(jobsapi: Run, client: Client) -> None:
    """watch --json prints only the finished job, as JSON."""
    job = failed(client)
    result = jobsapi("watch", str(job.id), "--json")
    assert result.code == 1
    assert result.json()["status"] == "failed"


def test_watch_a_queued_job_with_a_timeout_exits_124(jobsapi: Run, client: Client) -> None:
    """watch --timeout on a job nobody runs: exit 124 once the time is up."""
    job = client.submit("job", queue=QUEUE)
    result = jobsapi("watch", str(job.id), "--timeout", "0.3")
    assert result.code == 124
    assert f"job {job.id} is still queued after 0.3s" in result.err


# --- exit codes of refusals


def test_an_unknown_job_exits_3(jobsapi: Run) -> None:
    """show, cancel, watch and retry of a job that does not exist: exit 3."""
    for command in ("show", "cancel", "watch", "retry"):
        result = jobsapi(command, "999999")
        assert result.code == 3, (command, result.err)
        assert result.err.startswith("jobsapi: ") and "999999" in result.err


@pytest.mark.parametrize("token", ["not-a-jwt", "signed-elsewhere"])
def test_a_bad_token_exits_5(jobsapi: Run, token: str) -> None:
    """A token the server does not accept (malformed, or signed with another
    secret): exit 5."""
    if token == "signed-elsewhere":
        token = make_token("x" * 48, "jobs_admin", "admin")
    result = jobsapi("list", "--token", token)
    assert result.code == 5, result.err
    assert result.out == ""


def test_a_role_that_may_not_exits_5(jobsapi: Run, api: Api, client: Client) -> None:
    """A valid token whose role may not do it: a user pausing a queue, a
    worker submitting a job: exit 5."""
    client.submit("job", queue=QUEUE)
    result = jobsapi("pause", QUEUE, "--token", api.token("jobs_user", "alice"))
    assert result.code == 5, result.err
    result = jobsapi("submit", "job", "--token", api.token("jobs_worker", "w1"))
    assert result.code == 5, result.err
    assert not client.queue(QUEUE).paused and len(client.list()) == 1


def test_invalid_input_exits_6(jobsapi: Run, client: Client) -> None:
    """A value the server refuses (priority 9): exit 6, nothing submitted."""
    result = jobsapi("submit", "job", "--priority", "9")
    assert result.code == 6, result.err
    assert result.err.startswith("jobsapi: ")
    assert client.list() == []


@pytest.mark.parametrize("command", [["submit", "job"], ["list"]], ids=["post", "get"])
def test_an_unreachable_server_exits_7(jobsapi: Run, command: list[str]) -> None:
    """No server at --url: exit 7, saying it cannot be reached."""
    url = f"http://127.0.0.1:{free_port()}"
    result = jobsapi(*command, "--url", url)
    assert result.code == 7
    assert result.err.startswith(f"jobsapi: cannot reach {url}: ")


@pytest.mark.parametrize("args", [
    ["submit"],
    ["submit", "job", "{not json"],
    ["list", "--limit", "many"],
    ["show", "first"],
    ["frobnicate"],
    [],
], ids=["missing-name", "bad-json", "bad-int", "bad-id", "unknown-command", "no-command"])
def test_a_bad_command_line_exits_2(jobsapi: Run, args: list[str]) -> None:
    """argparse refuses the command line: SystemExit 2 with a usage message."""
    result = jobsapi(*args)
    assert result.code == 2
    assert "usage: jobsapi" in result.err


@pytest.mark.parametrize(("spec", "message"), [
    ("worker_handlers", "expected MODULE:FUNCTION"),
    ("no_such_module_here:run", "cannot import no_such_module_here"),
    ("worker_handlers:no_such_function", "worker_handlers has no function no_such_function"),
    ("worker_handlers:TIMEOUT", "worker_handlers has no function TIMEOUT"),
])
def test_worker_with_a_bad_handler_exits_2(jobsapi: Run, spec: str, message: str) -> None:
    """worker MODULE:FUNCTION that cannot be loaded is a usage error (exit 2)."""
    result = jobsapi("worker", spec, "--queue", QUEUE)
    assert result.code == 2
    assert message in result.err


def test_worker_with_a_batch_smaller_than_its_concurrency_exits_2(jobsapi: Run) -> None:
    result = jobsapi("worker", "worker_handlers:double", "--queue", QUEUE, "--concurrency", "4",
                     "--batch-size", "2")
    assert result.code == 2
    assert "batch_size (2) must be at least concurrency (4)" in result.err


@pytest.mark.parametrize("option", [("--concurrency", "0"), ("--lease", "-5"),
                                    ("--batch-size", "many")])
def test_worker_with_a_bad_number_exits_2(jobsapi: Run, option: tuple[str, str]) -> None:
    """A worker option that is not a whole number of 1 or more is a usage error."""
    result = jobsapi("worker", "worker_handlers:double", "--queue", QUEUE, *option)
    assert result.code == 2
    assert "expected a whole number of 1 or more" in result.err


def test_output_goes_to_the_current_stdout(api: Api) -> None:
    """main() run with stdout redirected prints its JSON and tables there, as
    it does its plain lines."""
    argv = ["--url", api.url, "--token", api.token()]
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        assert cli.main(["submit", "job", *argv]) == 0
        assert cli.main(["list", "--json", *argv]) == 0
        assert cli.main(["stats", *argv]) == 0
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("job 1 queued")
    assert "total_jobs: 1" in printed.getvalue() and '"name": "job"' in printed.getvalue()


def test_help_lists_the_exit_codes(jobsapi: Run) -> None:
    """--help exits 0 and explains every exit code."""
    result = jobsapi("--help")
    assert result.code == 0
    for code in ("0", "1", "2", "3", "4", "5", "6", "7", "8", "124"):
        assert re.search(rf"^  {code} +\S", result.out, re.MULTILINE), code


# --- the worker command, end to end


@pytest.mark.parametrize("way", ["http", "dsn"])
def test_the_worker_command_runs_jobs_until_sigterm(jobsapi: Run, processes: Processes,
                                                    api: Api, way: str) -> None:
    """`jobsapi worker tests.worker_handlers:double` (over HTTP, or --dsn)
    runs a submitted job to completion; SIGTERM then ends it with exit 0."""
    args = ["--dsn", api.database_url] if way == "dsn" else []
    worker = processes.worker("double", "--queue", QUEUE, "--poll-interval", "0.2", *args)
    result = jobsapi("submit", "double", '{"n": 21}', "--queue", QUEUE, "--wait",
                     "--timeout", str(TIMEOUT))
    assert result.code == 0, (result.err, worker.output())
    assert result.lines[-1].endswith(': {"doubled":42}')
    worker.send(signal.SIGTERM)
    assert worker.wait() == 0, worker.output()
    assert f"worker {worker.name} stopped after 1 job(s)" in worker.output()
