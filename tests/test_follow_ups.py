"""Scheduling and follow-up jobs (seed 001), at the SQL level."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.types.json import Jsonb

from factories import call, events, finish, job, make_job
from races import outcome, start_blocked


def claim(db, queue="default"):
    return [j["id"] for j in call(db, "claim_jobs", queues=[queue], worker="w1", max_jobs=10)]


def test_a_follow_up_waits_and_is_shown_as_next_job(db):
    first = make_job(db)["id"]
    follower = make_job(db, after_job_id=first, queue="next")
    assert follower["status"] == "scheduled"
    assert job(db, first)["next_job_id"] == follower["id"]
    assert claim(db, "next") == []


def test_the_follow_up_is_queued_when_the_first_completes(db):
    first = make_job(db)["id"]
    follower = make_job(db, after_job_id=first, queue="next")["id"]
    [_] = claim(db)
    call(db, "complete_job", job_id=first)
    assert job(db, follower)["status"] == "queued"
    assert claim(db, "next") == [follower]
    assert events(db, follower) == [(None, "scheduled"), ("scheduled", "queued"),
                                    ("queued", "running")]


@pytest.mark.parametrize("outcome", ["fail", "cancel_queued", "cancel_running"])
def test_the_follow_up_is_cancelled_when_the_first_does_not_complete(db, outcome):
    first = make_job(db, max_attempts=1)["id"]
    follower = make_job(db, after_job_id=first)["id"]
    if outcome == "cancel_queued":
        call(db, "cancel_job", job_id=first)
    else:
        claim(db)
        if outcome == "fail":
            call(db, "fail_job", job_id=first, error="boom")
        else:
            call(db, "cancel_job", job_id=first)
            call(db, "heartbeat", job_id=first)
    row = job(db, follower)
    assert row["status"] == "cancelled"
    assert str(first) in row["message"]


def test_a_chain_cancels_all_the_way_down(db):
    first = make_job(db)["id"]
    second = make_job(db, after_job_id=first)["id"]
    third = make_job(db, after_job_id=second)["id"]
    call(db, "cancel_job", job_id=first)
    assert [job(db, j)["status"] for j in (second, third)] == ["cancelled", "cancelled"]


def test_a_failed_attempt_with_retries_left_does_not_release_the_follow_up(db):
    first = make_job(db, max_attempts=2)["id"]
    follower = make_job(db, after_job_id=first)["id"]
    claim(db)
    call(db, "fail_job", job_id=first, error="retry me")
    assert job(db, follower)["status"] == "scheduled"


def test_after_a_completed_job_it_is_queued_at_once(db):
    first = make_job(db)["id"]
    finish(db, first)
    assert make_job(db, after_job_id=first)["status"] == "queued"


@pytest.mark.parametrize(("status", "sqlstate"), [("failed", "PT409"), ("cancelled", "PT409")])
def test_after_a_job_that_will_never_complete_is_refused(db, status, sqlstate):
    first = make_job(db)["id"]
    finish(db, first, status) if status == "failed" else call(db, "cancel_job", job_id=first)
    with pytest.raises(psycopg.Error) as info:
        make_job(db, after_job_id=first)
    assert info.value.sqlstate == sqlstate
    assert db.execute("SELECT count(*) FROM jobs.job").fetchone() == (1,)


def test_after_an_unknown_job_is_404(db):
    with pytest.raises(psycopg.Error) as info:
        make_job(db, after_job_id=424242)
    assert info.value.sqlstate == "PT404"


def test_heartbeat_results_and_finished_items_are_visible_while_running(db, connect):
    job_id = make_job(db)["id"]
    claim(db)
    call(db, "heartbeat", job_id=job_id, result={"devices": {"eosdist": {"failed": False}}},
         finished_items=Jsonb("eosdist"))
    call(db, "heartbeat", job_id=job_id, result={"change_score": 21},
         finished_items=["leaf1", "leaf2"])
    reader = connect()
    row = job(reader, job_id)
    assert row["status"] == "running"
    assert row["result"] == {"devices": {"eosdist": {"failed": False}}, "change_score": 21}
    assert row["finished_items"] == ["eosdist", "leaf1", "leaf2"]


def test_two_follow_ups_of_one_job_submitted_at_once_do_not_deadlock(db, connect):
    first = make_job(db)["id"]
    c1, c2 = connect(), connect()
    with c1.transaction():
        a = make_job(c1, after_job_id=first)["id"]
        # c2's submission waits for c1's lock on the first job.
        second = start_blocked(db, c2, c1, lambda: make_job(c2, after_job_id=first)["id"])
    b = outcome(second)
    assert isinstance(b, int), b
    assert job(db, first)["next_job_id"] == a
    assert [job(db, j)["status"] for j in (a, b)] == ["scheduled", "scheduled"]


def test_a_follow_up_submitted_while_its_job_completes_is_not_lost(db, connect):
    first = make_job(db)["id"]
    claim(db)
    c1, c2 = connect(), connect()
    with c1.transaction():
        follower = make_job(c1, after_job_id=first)["id"]
        # The completion waits for the submission.
        completed = start_blocked(db, c2, c1, lambda: call(c2, "complete_job", job_id=first))
    assert outcome(completed)[0]["status"] == "completed"
    assert job(db, follower)["status"] == "queued"
