"""jobsapi.Client: the schedule and maintenance methods, each against its
route, and the server's refusals as exceptions."""

from __future__ import annotations

import pytest

from conftest import Api, MakeClient
from jobsapi import Client
from jobsapi.errors import Conflict, Forbidden, InvalidInput, NotFound
from jobsapi.models import Maintenance, Schedule


def test_schedules_round_trip(client: Client) -> None:
    added = client.add_schedule("nightly", "0 3 * * *", "report", {"full": True},
                                time_zone="Europe/Berlin", queue="reports", priority=3,
                                on_missed="skip")
    assert isinstance(added, Schedule)
    assert (added.cron, added.time_zone, added.queue, added.priority, added.on_missed) == \
        ("0 3 * * *", "Europe/Berlin", "reports", 3, "skip")
    assert added.next_fire_at is not None and added.next_fire_at.tzinfo is not None
    assert [s.name for s in client.schedules()] == ["nightly"]
    assert client.schedule("nightly") == added
    assert client.disable_schedule("nightly").next_fire_at is None
    assert client.enable_schedule("nightly").enabled is True
    assert client.update_schedule("nightly", cron="15 3 * * *").cron == "15 3 * * *"
    job = client.run_schedule("nightly")
    assert (job.schedule_name, job.queue, job.payload) == ("nightly", "reports", {"full": True})
    assert job.fire_at is not None
    assert client.list(schedule_name="nightly")[0].id == job.id
    assert client.remove_schedule("nightly").name == "nightly"
    assert client.schedules() == []


def test_refusals_are_exceptions(client: Client, make_client: MakeClient) -> None:
    with pytest.raises(InvalidInput) as refused:
        client.add_schedule("bad", "0 0 31 2 *", "report")
    assert "never fires" in refused.value.message and refused.value.status == 400
    client.add_schedule("once", "@daily", "report")
    with pytest.raises(Conflict):
        client.add_schedule("once", "@daily", "report")
    for call in (lambda: client.schedule("nope"), lambda: client.run_schedule("nope"),
                 lambda: client.remove_schedule("nope"), lambda: client.enable_schedule("nope")):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(Forbidden):
        make_client("jobs_user", "alice").schedules()


def test_maintenance_methods(api: Api, client: Client, make_client: MakeClient) -> None:
    worker = make_client("jobs_worker", "w", queues=["*"])
    result = worker.maintain()
    assert result["ran"] is True and "jobs_pruned" in result
    assert worker.maintain(min_interval_seconds=3600)["ran"] is False
    status = client.maintenance()
    assert isinstance(status, Maintenance)
    assert (status.mode, status.runs, status.last_result) == ("workers", 1, result)
    assert client.set_history_days(30).history_days == 30
    with pytest.raises(InvalidInput):
        client.set_history_days(0)
    with pytest.raises(Forbidden):
        make_client("jobs_user", "alice").maintain()
    assert client.next_due(["q"]) is None
    client.submit("later", queue="q", run_at="2999-01-01T00:00:00+00:00")
    assert client.next_due(["q"]) > 0


def test_configure_queue_sets_the_largest_payload(client: Client) -> None:
    queue = client.configure_queue("big", max_payload_bytes=4 * 1024 * 1024)
    assert queue.max_payload_bytes == 4 * 1024 * 1024 and queue.extra == {}
    with pytest.raises(InvalidInput) as refused:
        client.configure_queue("big", max_payload_bytes=10)
    assert "queue_max_payload_bytes_in_range" in refused.value.message
    assert client.queue("big").max_payload_bytes == 4 * 1024 * 1024
