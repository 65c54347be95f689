"""jobsapi.Client against a real PostgREST: what each method sends, what the
database answers, the typed rows it returns and the exception a refusal
becomes (jobsapi.errors)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest

from conftest import Api, MakeClient  # conftest's fixtures
from jobsapi import (
    Client,
    Conflict,
    Forbidden,
    InvalidInput,
    Job,
    JobsApiError,
    JobTimeout,
    NotFound,
    Queue,
    ServerError,
    Unauthorized,
    Unavailable,
)
from jobsapi.errors import error_class, from_psycopg, make_error
from jobsapi.models import QueuePage

PRIORITY_MESSAGE = "Priority must be between 1 (low) and 4 (urgent)"
WORKER = "w1"
LATER = datetime(2999, 1, 1, tzinfo=timezone.utc)

# --- fixtures and helpers ----------------------------------------------------------

@pytest.fixture
def worker(make_client: MakeClient) -> Client:
    """A worker's client (every queue)."""
    return make_client("jobs_worker", WORKER)


@pytest.fixture
def alice(make_client: MakeClient) -> Client:
    return make_client("jobs_user", "alice")


@pytest.fixture
def bob(make_client: MakeClient) -> Client:
    return make_client("jobs_user", "bob")


def stored_jobs(api: Api) -> int:
    return api.sql("SELECT count(*) FROM jobs.job")[0][0]


def run(worker: Client, job: Job) -> Job:
    """Make a queued job running by claiming its whole queue."""
    claimed = {j.id: j for j in worker.claim([job.queue], worker=WORKER, max_jobs=1000)}
    assert job.id in claimed, f"job {job.id} was not claimed"
    return claimed[job.id]


def finish(client: Client, worker: Client, job: Job, status: str) -> Job:
    """Take a queued job to a finished status."""
    if status == "cancelled":
        return client.cancel(job.id)
    run(worker, job)
    if status == "completed":
        return worker.complete(job.id, worker=WORKER)
    return worker.fail(job.id, "boom", worker=WORKER, retry=False)


def ids(jobs: list[Job]) -> list[int]:
    return [j.id for j in jobs]


@contextmanager
def dropping_server() -> Iterator[tuple[str, list[int]]]:
    """A TCP server that closes every connection unanswered, and the connections it saw."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


# --- submit and submit_many --------------------------------------------------------

def test_submit_stores_the_fields_and_the_database_fills_in_the_rest(client: Client) -> None:
    """The given fields land as sent; queue, priority, type and owner are the DB's."""
    job = client.submit("resize", {"image": 42}, meta={"team": "media"}, message="new")
    assert (job.name, job.payload, job.meta, job.message) == (
        "resize", {"image": 42}, {"team": "media"}, "new")
    assert (job.queue, job.priority, job.type, job.status, job.owner) == (
        "default", 2, "job", "queued", "admin")
    assert isinstance(job.created_at, datetime) and job.created_at.tzinfo is not None
    assert client.get(job.id) == job


def test_submit_with_run_at_in_the_future_is_scheduled(client: Client) -> None:
    """A datetime run_at is sent as ISO 8601 and makes the job scheduled."""
    job = client.submit("later", run_at=LATER, queue="nightly", priority=4)
    assert (job.status, job.run_at, job.queue, job.priority) == (
        "scheduled", LATER, "nightly", 4)


def test_submit_refuses_an_unknown_field_before_any_request() -> None:
    """A field that is not a job's raises TypeError naming it; nothing is sent."""
    with dropping_server() as (url, connections), Client(url, "token") as offline:
        with pytest.raises(TypeError, match="colour"):
            offline.submit("paint", colour="red")
        with pytest.raises(TypeError, match="size"):
            offline.submit_many([{"name": "a"}, {"name": "b", "size": 3}])
        assert offline.submit_many([]) == []
    assert connections == []


def test_submit_of_a_bad_value_is_invalid_input_with_the_servers_message(client: Client) -> None:
    """400 is InvalidInput with the server's message (the rule: test_transitions.py)."""
    with pytest.raises(InvalidInput) as refused:
        client.submit_many([{"name": "a"}, {"name": "b", "priority": 9}])
    assert (refused.value.status, refused.value.message) == (400, PRIORITY_MESSAGE)


def test_submit_many_rows_with_different_keys_get_the_database_defaults(client: Client) -> None:
    """A key one row leaves out gets its default, not null; the order is kept."""
    a, b, c = client.submit_many([
        {"name": "a", "priority": 4},
        {"name": "b", "queue": "other", "payload": [1, 2]},
        {"name": "c", "payload": None},
    ])
    assert [a.name, b.name, c.name] == ["a", "b", "c"]
    assert (a.queue, a.priority, a.payload) == ("default", 4, {})
    assert (b.queue, b.priority, b.payload) == ("other", 2, [1, 2])
    assert (c.queue, c.priority, c.payload, c.status) == ("default", 2, {}, "queued")
    assert client.get(b.id) == b


# --- get, list, iter_jobs --------------------------------------------------------------

def test_get_an_unknown_job_is_not_found(client: Client) -> None:
    with pytest.raises(NotFound) as missing:
        client.get(12345)
    assert missing.value.status == 404


def test_list_filters_by_equality_and_by_a_list_of_values(client: Client) -> None:
    a, b, c = client.submit_many([{"name": "a", "queue": "x"}, {"name": "b", "queue": "y"},
                                  {"name": "c", "queue": "x", "priority": 3}])
    assert ids(client.list(queue="x")) == [c.id, a.id]
    assert ids(client.list(queue="x", priority=3)) == [c.id]
    assert ids(client.list(name=["a", "b"], order="id.asc")) == [a.id, b.id]
    assert ids(client.list(name=("c",), queue=None)) == [c.id]


def test_list_passes_postgrest_syntax_through(client: Client, worker: Client) -> None:
    """neq., gte. (with a +00:00 offset), like. reach PostgREST as written."""
    first = client.submit("import-a", queue="started")
    second = client.submit("import-b")
    other = client.submit("export")
    run(worker, first)
    assert ids(client.list(status="neq.queued")) == [first.id]
    assert ids(client.list(created_at=f"gte.{second.created_at.isoformat()}")) == [
        other.id, second.id]
    assert ids(client.list(created_at=f"gt.{second.created_at.isoformat()}")) == [other.id]
    assert ids(client.list(name="like.import*", order="id.asc")) == [first.id, second.id]


def test_list_values_with_reserved_characters_match_as_they_are(client: Client) -> None:
    """Commas, parentheses, & and = in a value are quoted, not parsed."""
    names = ["a,b", "c(d)", "x&y=z"]
    jobs = client.submit_many([{"name": n} for n in names])
    assert ids(client.list(name=names, order="id.asc")) == ids(jobs)
    for job in jobs:
        assert ids(client.list(name=job.name)) == [job.id]


def test_list_a_value_that_reads_as_postgrest_syntax_is_matched_through_eq(
        client: Client) -> None:
    """A value starting with an operator and a dot is passed as syntax; eq. matches it."""
    job = client.submit("is.it")
    assert ids(client.list(name="eq.is.it")) == [job.id]


def test_list_orders_limits_and_offsets(client: Client) -> None:
    jobs = client.submit_many([{"name": f"j{i}", "priority": p}
                               for i, p in enumerate([1, 4, 2, 4, 3])])
    j0, j1, j2, j3, j4 = ids(jobs)
    assert ids(client.list()) == [j4, j3, j2, j1, j0]        # newest first by default
    assert ids(client.list(order="priority.desc,id.asc")) == [j1, j3, j4, j2, j0]
    assert ids(client.list(order="priority.desc,id.asc", limit=2, offset=1)) == [j3, j4]
    assert ids(client.list(order="id.asc", offset=3)) == [j3, j4]
    assert ids(client.list(order="id.asc", limit=None)) == [j0, j1, j2, j3, j4]


@pytest.mark.parametrize("count", [0, 8, 11])
@pytest.mark.parametrize("descending", [False, True])
def test_iter_jobs_yields_every_matching_job_once_in_id_order(
        client: Client, count: int, descending: bool) -> None:
    """Pages of 4 through 0, 8 (an exact number of pages) and 11 jobs, other queues left out."""
    client.submit_many([{"name": "noise", "queue": "other"} for _ in range(3)])
    wanted = ids(client.submit_many([{"name": f"j{i}", "queue": "q"} for i in range(count)]))
    got = ids(list(client.iter_jobs(page_size=4, descending=descending, queue="q")))
    assert got == (sorted(wanted, reverse=True) if descending else sorted(wanted))


@pytest.mark.parametrize("descending", [False, True])
def test_iter_jobs_neither_repeats_nor_skips_when_jobs_arrive_meanwhile(
        client: Client, descending: bool) -> None:
    """New jobs (higher ids) come at the end going up and not at all going down."""
    before = ids(client.submit_many([{"name": f"j{i}"} for i in range(7)]))
    got: list[int] = []
    added: list[int] = []
    for job in client.iter_jobs(page_size=3, descending=descending):
        got.append(job.id)
        if len(got) in (1, 4):
            added += ids(client.submit_many([{"name": "new"}, {"name": "new"}]))
    if descending:
        assert got == sorted(before, reverse=True)
    else:
        assert got == sorted(before + added)


# --- update, cancel, delete ----------------------------------------------------------------

def test_update_changes_the_fields_the_database_allows(client: Client) -> None:
    """Priority and message change; a queued job moved into the future is scheduled."""
    job = client.submit("tune")
    changed = client.update(job.id, priority=4, message="urgent now", run_at=LATER)
    assert (changed.priority, changed.message, changed.status, changed.run_at) == (
        4, "urgent now", "scheduled", LATER)
    assert client.get(job.id) == changed


def test_update_of_an_unknown_job_is_not_found(alice: Client) -> None:
    with pytest.raises(NotFound):
        alice.update(99999, priority=3)


def test_update_without_fields_returns_the_job_unchanged(client: Client) -> None:
    job = client.submit("tune", message="keep")
    assert client.update(job.id) == job


def test_cancel_a_waiting_job_cancels_it_at_once(client: Client) -> None:
    queued = client.submit("a")
    scheduled = client.submit("b", run_at=LATER)
    assert client.cancel(queued.id).status == "cancelled"
    assert client.cancel(scheduled.id).status == "cancelled"
    assert client.get(queued.id).ended_at is not None


def test_cancel_a_running_job_asks_its_worker_to_stop(client: Client, worker: Client) -> None:
    """running → cancelling; the next heartbeat answers cancel_requested and ends it."""
    job = client.submit("long")
    run(worker, job)
    assert client.cancel(job.id).status == "cancelling"
    assert client.cancel(job.id).status == "cancelling"     # asking twice changes nothing
    beat = worker.heartbeat(job.id, worker=WORKER)
    assert (beat.job_id, beat.cancel_requested, beat.status) == (job.id, True, "cancelled")
    assert client.get(job.id).status == "cancelled"


def test_cancel_a_finished_job_is_a_conflict(client: Client, worker: Client) -> None:
    """409 is Conflict (which finished statuses refuse: test_transitions.py)."""
    status = "completed"
    job = finish(client, worker, client.submit("done"), status)
    with pytest.raises(Conflict) as refused:
        client.cancel(job.id)
    assert (refused.value.status, refused.value.code) == (409, "PT409")
    assert refused.value.message == f"job {job.id} has already finished: it is {status}"
    assert client.get(job.id).status == status


def test_cancel_an_unknown_job_is_not_found(client: Client) -> None:
    with pytest.raises(NotFound) as missing:
        client.cancel(4242)
    assert (missing.value.code, missing.value.message) == ("PT404", "job 4242 does not exist")


def test_delete_a_finished_job_returns_it_and_removes_its_events(
        client: Client, worker: Client) -> None:
    job = finish(client, worker, client.submit("done"), "completed")
    deleted = client.delete(job.id)
    assert (deleted.id, deleted.status) == (job.id, "completed")
    with pytest.raises(NotFound):
        client.get(job.id)
    assert client.events(job.id) == []


def test_delete_an_unfinished_job_is_a_conflict_and_keeps_it(client: Client) -> None:
    job = client.submit("busy")
    with pytest.raises(Conflict) as refused:
        client.delete(job.id)
    assert refused.value.message == (f"job {job.id} is queued: only finished jobs can be "
                                     "deleted")
    assert refused.value.hint == "Cancel it first."
    assert client.get(job.id) == job


def test_delete_an_unknown_job_is_not_found(client: Client) -> None:
    with pytest.raises(NotFound):
        client.delete(31337)


# --- retries and events ----------------------------------------------------------------

def test_retry_a_failed_job_submits_a_linked_retry(client: Client, worker: Client) -> None:
    original = client.submit("sync", {"page": 3}, queue="flows", meta={"flow": "F1"})
    finish(client, worker, original, "failed")
    retry = client.retry(original.id)
    assert retry.id != original.id
    assert (retry.type, retry.status, retry.retry_of, retry.root_job_id) == (
        "retry", "queued", original.id, original.id)
    assert (retry.name, retry.queue, retry.payload, retry.meta) == (
        "sync", "flows", {"page": 3}, {"flow": "F1"})
    assert client.get(original.id).status == "failed"


def test_retry_failed_retries_retries_each_failed_retry_once(
        client: Client, worker: Client) -> None:
    original = client.submit("sync", queue="flows")
    finish(client, worker, original, "failed")
    first = finish(client, worker, client.retry(original.id), "failed")
    [second] = client.retry_failed_retries(original.id)
    assert (second.retry_of, second.root_job_id, second.status) == (
        first.id, original.id, "queued")
    assert client.retry_failed_retries(original.id) == []


def test_events_list_the_transitions_oldest_first(client: Client, worker: Client,
                                                  alice: Client) -> None:
    job = client.submit("tracked")
    run(worker, job)
    worker.fail(job.id, "flaky", worker=WORKER)
    events = client.events(job.id)
    assert [(e.from_status, e.to_status, e.actor) for e in events] == [
        (None, "queued", "admin"), ("queued", "running", WORKER),
        ("running", "scheduled", WORKER)]
    assert events[-1].message == "flaky"
    assert all(e.job_id == job.id and e.happened_at is not None for e in events)
    assert alice.events(job.id) == []


# --- wait --------------------------------------------------------------------------------

def test_wait_returns_the_finished_job_and_reports_each_change(
        client: Client, worker: Client) -> None:
    """A worker drives the job from another thread, one step per change wait() has seen."""
    job = client.submit("resize", queue="images")
    seen: list[tuple[str, int | None, str | None]] = []
    changed = threading.Condition()
    failures: list[BaseException] = []

    def on_progress(current: Job) -> None:
        with changed:
            seen.append((current.status, current.progress, current.message))
            changed.notify_all()

    def until(state: tuple[str, int | None, str | None]) -> None:
        with changed:
            assert changed.wait_for(lambda: state in seen, timeout=15), (state, seen)

    def drive() -> None:
        try:
            until(("queued", 0, None))
            run(worker, job)
            until(("running", 0, None))
            worker.heartbeat(job.id, worker=WORKER, progress=50, message="half way")
            until(("running", 50, "half way"))
            worker.complete(job.id, {"size": 42}, worker=WORKER)
        except BaseException as exc:  # surfaced in the test's thread
            failures.append(exc)

    driver = threading.Thread(target=drive)
    driver.start()
    try:
        done = client.wait(job.id, timeout=30, on_progress=on_progress, poll_interval=0.05)
    finally:
        driver.join(timeout=30)
    assert failures == []
    assert (done.id, done.status, done.result) == (job.id, "completed", {"size": 42})
    assert seen == [("queued", 0, None), ("running", 0, None), ("running", 50, "half way"),
                    ("completed", 100, "half way")]


def test_wait_for_a_finished_job_returns_it_at_once(client: Client) -> None:
    job = client.cancel(client.submit("gone").id)
    reported: list[Job] = []
    assert client.wait(job.id, timeout=0, on_progress=reported.append) == job
    assert reported == [job]


def test_wait_past_its_timeout_raises_job_timeout_a_timeout_error(client: Client) -> None:
    job = client.submit("stuck")
    with pytest.raises(TimeoutError) as timed_out:
        client.wait(job.id, timeout=0.2, poll_interval=0.05)
    assert isinstance(timed_out.value, JobTimeout)
    assert isinstance(timed_out.value, JobsApiError)
    assert str(timed_out.value) == f"job {job.id} is still queued after 0.2s"


def test_wait_for_an_unknown_job_is_not_found(client: Client) -> None:
    with pytest.raises(NotFound):
        client.wait(777, timeout=1)


# --- queues --------------------------------------------------------------------------------

ZERO = {s: 0 for s in ("scheduled", "queued", "running", "completed", "failed", "cancelling",
                       "cancelled", "paused")}


def test_queues_list_every_queue_with_its_counts(client: Client, alice: Client) -> None:
    """Counts are per status and of the caller's jobs only."""
    client.submit_many([{"name": "a", "queue": "mail"}, {"name": "b", "queue": "mail"},
                        {"name": "c", "queue": "images", "run_at": LATER}])
    alice.submit("mine", queue="images")
    queues = client.queues()
    assert [q.name for q in queues] == ["images", "mail"]
    assert all(isinstance(q, Queue) for q in queues)
    assert client.queue("mail").counts == {**ZERO, "queued": 2}
    assert client.queue("images").counts == {**ZERO, "scheduled": 1, "queued": 1}
    assert alice.queue("images").counts == {**ZERO, "queued": 1}
    assert alice.queue("mail").counts == ZERO


def test_queue_unknown_is_not_found(client: Client) -> None:
    with pytest.raises(NotFound) as missing:
        client.queue("nowhere")
    assert missing.value.status == 404


def test_configure_queue_creates_then_changes_only_the_given_settings(client: Client) -> None:
    created = client.configure_queue("reports", backoff_seconds=5, keep_failed=20)
    assert (created.name, created.backoff_seconds, created.keep_failed, created.paused) == (
        "reports", 5, 20, False)
    assert created.max_attempts == 3                          # the database's default
    changed = client.configure_queue("reports", max_attempts=7, keep_failed=None)
    assert (changed.max_attempts, changed.backoff_seconds, changed.keep_failed) == (7, 5, 20)
    assert client.queue("reports") == changed


def test_configure_queue_answers_a_new_queue_with_its_counts(client: Client) -> None:
    assert client.configure_queue("fresh", keep_failed=3).counts == ZERO


def test_configure_queue_without_settings_answers_an_existing_queue(client: Client) -> None:
    client.submit("a", queue="existing")
    assert client.configure_queue("existing").name == "existing"


def test_a_paused_queue_hands_out_nothing_until_resumed(client: Client, worker: Client) -> None:
    job = client.submit("held", queue="mail")
    assert client.pause("mail").paused is True
    assert client.queue("mail").counts == {**ZERO, "paused": 1}
    assert worker.claim(["mail"], worker=WORKER) == []
    assert client.resume("mail").paused is False
    assert ids(worker.claim(["mail"], worker=WORKER)) == [job.id]


def test_pause_answers_the_counts_after_the_pause(client: Client) -> None:
    client.submit("held", queue="mail")
    assert client.pause("mail").counts == {**ZERO, "paused": 1}


def test_a_queue_whose_name_reads_like_an_operator_is_found_by_its_name(
        client: Client) -> None:
    """queue, pause and resume look a name up as it is, dots and all."""
    client.submit("mail", queue="in.bound")
    assert client.queue("in.bound").counts["queued"] == 1
    assert client.pause("in.bound").paused is True
    assert client.resume("in.bound").paused is False


def test_pause_an_unknown_queue_is_not_found(client: Client) -> None:
    with pytest.raises(NotFound):
        client.pause("nowhere")
    with pytest.raises(NotFound):
        client.resume("nowhere")


@pytest.mark.parametrize("action", [
    lambda c: c.pause("mail"),
    lambda c: c.resume("mail"),
    lambda c: c.configure_queue("mail", keep_failed=1),
])
def test_a_user_may_not_change_queues(client: Client, alice: Client,
                                      action: Callable[[Client], Any]) -> None:
    """403 from the server is Forbidden with that status; the queue stays as it was."""
    client.submit("a", queue="mail")
    before = client.queue("mail")
    with pytest.raises(Forbidden) as refused:
        action(alice)
    assert (refused.value.status, refused.value.code) == (403, "42501")
    assert refused.value.message == "permission denied for view queues"
    assert client.queue("mail") == before


def test_queue_jobs_pages_through_a_status_newest_first(client: Client, worker: Client) -> None:
    failed = ids(client.submit_many([{"name": f"f{i}", "queue": "ingest", "max_attempts": 1}
                                     for i in range(5)]))
    client.submit("waiting", queue="ingest")
    worker.claim(["ingest"], worker=WORKER, max_jobs=5)
    worker.fail_many([{"job_id": i, "error": f"bad {i}"} for i in failed], worker=WORKER)
    first = client.queue_jobs("ingest", page_size=2)
    assert (first.name, first.paused, first.counts["failed"], first.counts["queued"]) == (
        "ingest", False, 5, 1)
    assert ids(first.jobs) == failed[::-1][:2]
    assert all(isinstance(j, Job) and j.error == f"bad {j.id}" for j in first.jobs)
    assert first.pagination == {"current_page": 1, "total_pages": 3, "total_jobs": 5,
                                "page_size": 2}
    assert ids(client.queue_jobs("ingest", page=3, page_size=2).jobs) == failed[:1]
    assert len(client.queue_jobs("ingest", status="queued").jobs) == 1


def test_queue_jobs_refuses_an_unknown_queue_and_status(client: Client) -> None:
    client.submit("a", queue="ingest")
    with pytest.raises(NotFound):
        client.queue_jobs("nowhere")
    with pytest.raises(InvalidInput) as refused:
        client.queue_jobs("ingest", status="lost")
    assert refused.value.code == "22023"


# --- monitoring: stats, workers, report --------------------------------------------------------

def test_stats_count_jobs_per_status_in_the_callers_scope(
        client: Client, worker: Client, alice: Client) -> None:
    finish(client, worker, client.submit("a", queue="a"), "completed")
    client.submit("b", run_at=LATER)
    alice.submit("c", queue="c")
    stats = client.stats()
    assert (stats.total_jobs, stats.completed, stats.scheduled, stats.queued) == (3, 1, 1, 1)
    assert (stats.active_workers, stats.total_workers) == (1, 1)
    mine = alice.stats()
    assert (mine.total_jobs, mine.queued, mine.completed) == (1, 1, 0)


def test_workers_are_seen_on_claim_and_stop_cleanly(
        client: Client, worker: Client, alice: Client) -> None:
    job = client.submit("a")
    run(worker, job)
    [seen] = client.workers()
    assert (seen.name, seen.active, seen.running_jobs, seen.stopped_at) == (WORKER, True, 1, None)
    assert client.workers(active=False) == []
    stopped = worker.stop_worker(WORKER)
    assert (stopped.name, stopped.active) == (WORKER, False)
    assert stopped.stopped_at is not None
    assert [w.name for w in client.workers(active=False)] == [WORKER]
    assert [w.name for w in alice.workers()] == [WORKER]


def test_stop_worker_unknown_is_not_found_and_a_user_may_not(
        worker: Client, alice: Client) -> None:
    with pytest.raises(NotFound) as missing:
        worker.stop_worker("ghost")
    assert missing.value.message == "worker ghost is not registered"
    with pytest.raises(Forbidden):
        alice.stop_worker("ghost")


def test_report_reads_the_analyst_views(client: Client, worker: Client) -> None:
    client.submit_many([{"name": "a", "queue": "mail"}, {"name": "b", "queue": "mail"}])
    done = finish(client, worker, client.submit("c", queue="images"), "completed")
    [depth] = client.report("queue_depth", queue="mail")
    assert (depth["queue"], depth["waiting"], depth["running"]) == ("mail", 2, 0)
    latest = client.report("latest_runs", order="name.asc", limit=2)
    assert [(r["name"], r["status"]) for r in latest] == [("a", "queued"), ("b", "queued")]
    [c] = client.report("latest_runs", name="c")
    assert (c["job_id"], c["status"]) == (done.id, "completed")


def test_report_of_an_unknown_view_is_not_found(client: Client) -> None:
    with pytest.raises(NotFound):
        client.report("no_such_view")


# --- locks -------------------------------------------------------------------------------

def test_a_held_lock_is_a_conflict_for_anyone_else(alice: Client, bob: Client,
                                                  client: Client) -> None:
    lock = alice.acquire_lock("nightly")
    assert (lock.name, lock.worker, lock.job_id) == ("nightly", "alice", None)
    assert lock.acquired_at is not None
    with pytest.raises(Conflict) as refused:
        bob.acquire_lock("nightly")
    assert refused.value.message == "lock nightly is held by someone else"
    with pytest.raises(Conflict) as refused:
        client.acquire_lock("nightly")                   # an admin is told who holds it
    assert refused.value.message == "lock nightly is held by alice"
    assert [x.name for x in alice.locks()] == ["nightly"]
    assert bob.locks() == []


def test_release_lock_frees_it_for_the_next_caller(alice: Client, bob: Client) -> None:
    alice.acquire_lock("nightly")
    with pytest.raises(Forbidden):
        bob.release_lock("nightly")
    assert alice.release_lock("nightly").worker == "alice"
    assert alice.locks() == []
    assert bob.acquire_lock("nightly").worker == "bob"
    with pytest.raises(NotFound) as missing:
        alice.release_lock("never")
    assert missing.value.message == "lock never is not held"


def test_lock_holds_for_the_with_block_and_releases_at_its_end(alice: Client,
                                                              bob: Client) -> None:
    with alice.lock("report") as held:
        assert held.name == "report"
        with pytest.raises(Conflict):
            bob.acquire_lock("report")
    assert alice.locks() == []
    with pytest.raises(ValueError, match="mid-way"):
        with alice.lock("report"):
            raise ValueError("mid-way")
    assert bob.acquire_lock("report").worker == "bob"


def test_lock_keeps_the_blocks_exception_when_the_release_fails(alice: Client,
                                                                client: Client) -> None:
    with pytest.raises(ValueError, match="mid-way"):
        with alice.lock("report"):
            client.clear_lock("report")
            raise ValueError("mid-way")


def test_clear_lock_removes_anyones_lock_for_an_admin_only(client: Client, alice: Client) -> None:
    alice.acquire_lock("stale")
    with pytest.raises(Forbidden):
        alice.clear_lock("stale")
    [cleared] = client.clear_lock("stale")
    assert (cleared.name, cleared.worker) == ("stale", "alice")
    assert client.locks() == []
    assert client.clear_lock("stale") == []


def test_a_lock_taken_for_a_running_job_ends_with_the_job(client: Client,
                                                         worker: Client) -> None:
    job = client.submit("export")
    with pytest.raises(Conflict):
        worker.acquire_lock("export", job_id=job.id)       # not running yet
    run(worker, job)
    assert worker.acquire_lock("export", job_id=job.id).job_id == job.id
    assert [x.job_id for x in client.locks(name="export")] == [job.id]
    worker.complete(job.id, worker=WORKER)
    assert client.locks() == []


# --- housekeeping --------------------------------------------------------------------------

def test_cleanup_deletes_jobs_that_ended_longer_ago(api: Api, client: Client,
                                                    worker: Client) -> None:
    old = finish(client, worker, client.submit("report"), "completed")
    # A newer run of the name: cleanup keeps a name's newest successful run.
    recent = finish(client, worker, client.submit("report"), "completed")
    waiting = client.submit("waiting")
    api.sql("UPDATE jobs.job SET ended_at = now() - interval '3 hours' WHERE id = %s", old.id)
    done = client.cleanup(max_age_hours=2)
    assert done.cleaned_jobs == 1
    assert done.freed_space_mb == 0
    assert "1" in done.message
    assert ids(client.list(order="id.asc")) == [recent.id, waiting.id]
    assert client.cleanup().cleaned_jobs == 0


def test_prune_keeps_the_newest_completed_jobs_of_a_queue(client: Client, worker: Client) -> None:
    client.configure_queue("mail", keep_completed=1)
    done = [finish(client, worker, client.submit("mail", queue="mail"), "completed")
            for i in range(3)]
    [pruned] = client.prune()
    assert (pruned.queue, pruned.reason, pruned.deleted) == ("mail", "keep_completed", 2)
    assert ids(client.list(queue="mail")) == [done[-1].id]


def test_reap_expired_leases_puts_back_a_job_whose_worker_vanished(
        api: Api, client: Client, worker: Client) -> None:
    job = client.submit("abandoned")
    claimed = worker.claim([job.queue], worker=WORKER, lease_seconds=30)
    assert ids(claimed) == [job.id]
    assert worker.reap_expired_leases() == []                 # the lease still runs
    api.sql("UPDATE jobs.job SET lease_expires_at = now() - interval '1 second'"
            " WHERE id = %s", job.id)
    [rescued] = worker.reap_expired_leases()
    assert (rescued.id, rescued.status, rescued.attempts) == (job.id, "queued", 1)
    assert "lease expired" in rescued.error
    assert client.reap_expired_leases() == []


def test_last_success_is_the_start_of_the_newest_completed_job_of_a_name(
        client: Client, worker: Client) -> None:
    assert client.last_success("nightly") is None
    first = finish(client, worker, client.submit("nightly", queue="n1"), "completed")
    finish(client, worker, client.submit("nightly", queue="n2"), "failed")
    assert client.last_success("nightly") == first.started_at


# --- the worker's routes ---------------------------------------------------------------------

def test_claim_hands_out_the_highest_priority_first_under_a_lease(
        client: Client, worker: Client) -> None:
    low, high, mid = client.submit_many([{"name": "low", "priority": 1},
                                         {"name": "high", "priority": 4},
                                         {"name": "mid", "priority": 3}])
    claimed = worker.claim(max_jobs=2, worker="w7", lease_seconds=60)
    assert ids(claimed) == [high.id, mid.id]
    assert all(j.status == "running" and j.worker == "w7" and j.lease_expires_at is not None
               for j in claimed)


def test_claim_takes_only_the_queues_the_token_allows(client: Client,
                                                     make_client: MakeClient) -> None:
    mail = client.submit("m", queue="mail")
    client.submit("i", queue="images")
    limited = make_client("jobs_worker", "w2", queues=["mail"])
    with pytest.raises(Forbidden) as refused:
        limited.claim(["images"])
    assert (refused.value.status, refused.value.code) == (403, "PT403")
    assert refused.value.message == "this token may not claim jobs of queue images"
    assert refused.value.hint == "A worker token names its queues in its queues claim."
    assert ids(limited.claim(max_jobs=10)) == [mail.id]


def test_heartbeat_reports_progress_and_extends_the_lease(client: Client,
                                                         worker: Client) -> None:
    job = client.submit("crawl")
    claimed = worker.claim(worker=WORKER, lease_seconds=10)[0]
    beat = worker.heartbeat(job.id, worker=WORKER, progress=40, message="page 4",
                            result={"pages": 4}, finished_items=["p1", "p2"],
                            lease_seconds=600)
    assert (beat.job_id, beat.status, beat.cancel_requested) == (job.id, "running", False)
    assert beat.lease_expires_at > claimed.lease_expires_at
    worker.heartbeat(job.id, worker=WORKER, result={"errors": 0}, finished_items="p3")
    now = client.get(job.id)
    assert (now.progress, now.message, now.result, now.finished_items) == (
        40, "page 4", {"pages": 4, "errors": 0}, ["p1", "p2", "p3"])


def test_heartbeat_many_reports_on_held_jobs_and_leaves_out_the_rest(client: Client,
                                                                      worker: Client) -> None:
    first, second, other = (client.submit("crawl") for _ in range(3))
    worker.claim(worker=WORKER, max_jobs=2, lease_seconds=10)
    client.cancel(second.id)
    replies = worker.heartbeat_many([{"job_id": first.id, "progress": 60, "message": "6/10"},
                                     {"job_id": second.id}, {"job_id": other.id}],
                                    worker=WORKER, lease_seconds=600)
    assert [(r.job_id, r.status, r.cancel_requested) for r in replies] == [
        (first.id, "running", False), (second.id, "cancelled", True)]
    now = client.get(first.id)
    assert (now.progress, now.message) == (60, "6/10")
    assert now.lease_expires_at == replies[0].lease_expires_at
    assert client.get(other.id).status == "queued"


def test_heartbeat_from_another_worker_or_for_an_unknown_job_is_refused(
        client: Client, worker: Client) -> None:
    job = client.submit("crawl")
    run(worker, job)
    with pytest.raises(Conflict) as refused:
        worker.heartbeat(job.id, worker="w9")
    assert refused.value.message == f"job {job.id} is held by worker {WORKER}, not w9"
    with pytest.raises(NotFound):
        worker.heartbeat(5555, worker=WORKER)


def test_complete_records_the_result_and_counters(client: Client, worker: Client) -> None:
    job = client.submit("load")
    run(worker, job)
    done = worker.complete(job.id, {"rows": 10}, worker=WORKER, num_success=9, num_error=1,
                           num_ignore=0, message="mostly")
    assert (done.status, done.result, done.num_success, done.num_error, done.message) == (
        "completed", {"rows": 10}, 9, 1, "mostly")
    assert client.get(job.id) == done
    with pytest.raises(Conflict):
        worker.complete(job.id, worker=WORKER)


def test_complete_many_completes_the_held_jobs_and_skips_the_rest(
        client: Client, worker: Client) -> None:
    a, b, c = client.submit_many([{"name": n} for n in "abc"])
    worker.claim(worker=WORKER, max_jobs=2)
    done = worker.complete_many([{"job_id": a.id, "result": {"n": 1}, "num_success": 1},
                                 {"job_id": b.id, "result": None},
                                 {"job_id": c.id}], worker=WORKER)
    assert sorted(ids(done)) == [a.id, b.id]
    assert client.get(a.id).result == {"n": 1}
    assert client.get(c.id).status == "queued"
    assert worker.complete_many([]) == []


def test_fail_with_attempts_left_schedules_a_retry(client: Client, worker: Client) -> None:
    job = client.submit("flaky", max_attempts=2)
    run(worker, job)
    again = worker.fail(job.id, "timeout", worker=WORKER, stacktrace="at line 3")
    assert (again.status, again.attempts, again.error, again.stacktrace) == (
        "scheduled", 1, "timeout", "at line 3")
    assert again.run_at > job.run_at
    assert [e["error"] for e in again.errors] == ["timeout"]


def test_fail_without_retry_fails_for_good(client: Client, worker: Client) -> None:
    job = client.submit("broken", max_attempts=5)
    run(worker, job)
    assert worker.fail(job.id, "fatal", worker=WORKER, retry=False).status == "failed"
    with pytest.raises(Conflict):
        worker.fail(job.id, "again", worker=WORKER)


def test_fail_many_fails_the_held_jobs_and_skips_the_rest(client: Client,
                                                         worker: Client) -> None:
    a, b, c = client.submit_many([{"name": n, "max_attempts": 3} for n in "abc"])
    worker.claim(worker=WORKER, max_jobs=2)
    failed = worker.fail_many([{"job_id": a.id, "error": "x", "retry": False},
                               {"job_id": b.id, "error": "y"},
                               {"job_id": c.id, "error": "z"}], worker=WORKER)
    assert {j.id: j.status for j in failed} == {a.id: "failed", b.id: "scheduled"}
    assert client.get(c.id).status == "queued"


# --- errors ------------------------------------------------------------------------------

def test_a_bad_token_is_unauthorized(api: Api) -> None:
    with Client(api.url, "not.a.token") as stranger:
        with pytest.raises(Unauthorized) as refused:
            stranger.list()
    assert (refused.value.status, refused.value.code) == (401, "PGRST301")
    assert refused.value.message.startswith("JWSError")


def test_a_token_signed_with_another_secret_is_unauthorized(api: Api) -> None:
    from jobsapi.server.tokens import make_token

    forged = make_token("x" * 40, "jobs_admin", "admin")
    with Client(api.url, forged) as stranger:
        with pytest.raises(Unauthorized):
            stranger.submit("x")
    assert stored_jobs(api) == 0


def test_without_a_token_requests_are_unauthorized(api: Api, monkeypatch: pytest.MonkeyPatch,
                                                   ) -> None:
    monkeypatch.delenv("JOBSAPI_TOKEN", raising=False)
    with Client(api.url) as anonymous:
        with pytest.raises(Unauthorized) as refused:
            anonymous.list()
    assert refused.value.status == 401


def test_an_unreachable_server_is_unavailable() -> None:
    """A refused connection and a connection closed unanswered both raise Unavailable."""
    with dropping_server() as (url, connections), Client(url, "token") as dropped:
        with pytest.raises(Unavailable) as down:
            dropped.cancel(1)
        assert connections == [1]
    assert down.value.status is None
    assert url in down.value.message
    with Client(url, "token") as refused, pytest.raises(Unavailable):
        refused.submit("x")                                # nothing listens any more


def test_an_unreachable_server_is_tried_once_for_a_read(monkeypatch: pytest.MonkeyPatch,
                                                        ) -> None:
    """Each method is one request: a read is not sent again when the connection fails."""
    import postgrest._sync.request_builder as builder

    monkeypatch.setattr(builder, "time", SimpleNamespace(sleep=lambda _: None), raising=False)
    with dropping_server() as (url, connections), Client(url, "token") as dropped:
        with pytest.raises(Unavailable):
            dropped.list()
        assert connections == [1]


def test_an_error_carries_the_servers_message_code_details_and_hint(
        client: Client, worker: Client) -> None:
    job = client.submit("busy")
    run(worker, job)
    with pytest.raises(JobsApiError) as refused:
        client.delete(job.id)
    error = refused.value
    assert type(error) is Conflict
    assert (error.status, error.code) == (409, "PT409")
    assert error.message == f"job {job.id} is running: only finished jobs can be deleted"
    assert error.details == f"job_id={job.id} status=running"
    assert error.hint == "Cancel it first."
    assert str(error) == f"{error.message} ({error.details}) Hint: {error.hint}"


@pytest.mark.parametrize(("status", "code", "expected"), [
    (400, "22023", InvalidInput),
    (401, "PGRST301", Unauthorized),
    (403, "42501", Forbidden),
    (404, "PT404", NotFound),
    (409, "23505", Conflict),
    (418, None, InvalidInput),
    (500, "XX000", ServerError),
    (503, "PGRST001", ServerError),
    (None, "PT409", Conflict),
    (None, "PT404", NotFound),
    (None, "23505", Conflict),
    (None, "23503", Conflict),
    (None, "23514", InvalidInput),
    (None, "22P02", InvalidInput),
    (None, "42501", Forbidden),
    (None, "28P01", Forbidden),  # as PostgREST answers a class 28 error
    (None, "42P01", NotFound),
    (None, "42883", NotFound),
    (None, "P0001", InvalidInput),
    (None, "57014", ServerError),
    (None, "08006", ServerError),
    (None, "XX000", ServerError),
    (None, "0A000", InvalidInput),  # PostgREST's default: 400
    (None, "PGRST999", JobsApiError),
    (None, None, JobsApiError),
])
def test_error_class_follows_the_status_then_the_sqlstate(
        status: int | None, code: str | None, expected: type[JobsApiError]) -> None:
    assert error_class(status, code) is expected


def test_make_error_without_a_message_names_the_status() -> None:
    error = make_error(None, status=502)
    assert type(error) is ServerError
    assert (error.message, error.status) == ("HTTP 502", 502)


def test_from_psycopg_keeps_the_databases_message_details_and_hint(api: Api) -> None:
    """An error raised in PostgreSQL (the direct connection) maps like its HTTP twin."""
    with psycopg.connect(api.database_url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as raised:
            conn.execute("DO $$ BEGIN RAISE EXCEPTION 'job 7 is queued' USING"
                         " ERRCODE = 'PT409', DETAIL = 'job_id=7', HINT = 'Wait.'; END $$")
    error = from_psycopg(raised.value)
    assert type(error) is Conflict
    assert (error.message, error.code, error.details, error.hint) == (
        "job 7 is queued", "PT409", "job_id=7", "Wait.")


# --- construction --------------------------------------------------------------------------

def test_client_defaults_come_from_the_environment(api: Api,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBSAPI_URL", api.url + "/")
    monkeypatch.setenv("JOBSAPI_TOKEN", api.token("jobs_admin", "from-env"))
    with Client() as env_client:
        assert env_client.url == api.url
        assert env_client.submit("a").owner == "from-env"
    with Client(api.url, api.token("jobs_admin", "explicit")) as explicit:
        assert explicit.submit("b").owner == "explicit"
    with Client(token="") as anonymous:                  # an empty token means none
        with pytest.raises(Unauthorized):
            anonymous.list()


def test_client_without_url_or_environment_uses_the_local_default(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBSAPI_URL", raising=False)
    with Client() as local:
        assert local.url == "http://127.0.0.1:3000"


def test_client_as_a_context_manager_closes_its_connections(api: Api) -> None:
    with Client(api.url, api.token()) as used:
        assert used.list() == []
    with pytest.raises(RuntimeError, match="closed"):
        used.list()


# --- typed rows ------------------------------------------------------------------------------

def test_rows_round_trip_through_to_dict_and_keep_unknown_keys(client: Client) -> None:
    job = client.submit("typed", {"k": [1, 2]}, run_at=LATER)
    as_dict = job.to_dict()
    assert as_dict["run_at"] == LATER.isoformat()
    assert Job.from_row(as_dict) == job
    newer = Job.from_row({**as_dict, "shiny": True})
    assert newer == job and newer.extra == {"shiny": True}
    assert newer.to_dict()["shiny"] is True
    assert not job.finished
    assert client.cancel(job.id).finished


def test_rows_built_from_answers_share_nothing_mutable() -> None:
    # Rows are built without __init__ (models.py): each still gets its own
    # extra, counts and jobs, and a field the answer leaves out its default.
    first, second = Queue.from_row({"name": "a"}), Queue.from_row({"name": "b", "new": 1})
    first.counts["queued"] = 1
    first.extra["seen"] = True
    assert second.counts == {} and second.extra == {"new": 1}
    assert Queue.from_row({"name": "c"}).extra == {}
    page = QueuePage.from_row({"name": "q", "jobs": [{"id": 7}]})
    assert QueuePage.from_row({"name": "q"}).jobs == [] and page.jobs[0].id == 7
    partial = Job.from_row({"id": 5, "started_at": "2026-01-02T03:04:05+00:00"})
    assert (partial.queue, partial.attempts, partial.payload) == ("default", 0, None)
    assert partial.started_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert partial == Job(id=5, started_at=partial.started_at)
