"""jobsapi maintain and jobsapi schedules against the real API: output and
exit codes (the jobsapi fixture runs the command in this process)."""

from __future__ import annotations

from conftest import Api
from jobsapi import Client
from test_cli import Run, jobsapi  # noqa: F401 - the fixture


def test_maintain_runs_once_and_shows_its_status(jobsapi: Run) -> None:  # noqa: F811
    ran = jobsapi("maintain")
    assert ran.code == 0, ran.err
    assert ran.out.startswith("maintenance ran in ") and "jobs pruned 0" in ran.out
    again = jobsapi("maintain", "--json")
    assert again.code == 0 and again.json()["ran"] is True
    status = jobsapi("maintain", "--status", "--json")
    assert status.code == 0 and status.json()["mode"] == "workers"
    assert status.json()["runs"] == 2
    assert "mode: workers" in jobsapi("maintain", "--status").out


def test_maintain_every_needs_a_positive_interval(jobsapi: Run) -> None:  # noqa: F811
    assert jobsapi("maintain", "--every", "0").code == 2


def test_maintain_sets_the_history_retention(jobsapi: Run, api: Api) -> None:  # noqa: F811
    done = jobsapi("maintain", "--history-days", "90", "--json")
    assert done.code == 0 and done.json()["history_days"] == 90
    assert jobsapi("maintain", "--history-days", "0").code == 2
    worker = jobsapi("maintain", "--history-days", "30",
                     "--token", api.token("jobs_worker", "w", queues=["*"]))
    assert worker.code == 5
    assert api.sql("SELECT history_days FROM jobs.maintenance") == [(90,)]


def test_schedules_commands(jobsapi: Run, client: Client) -> None:  # noqa: F811
    added = jobsapi("schedules", "add", "nightly", "0 3 * * *", "report", '{"full": true}',
                    "--tz", "Europe/Berlin", "--queue", "reports", "--on-missed", "skip")
    assert added.code == 0, added.err
    assert added.lines[0].split()[:3] == ["NAME", "CRON", "TIME_ZONE"]
    assert "nightly" in added.lines[1] and "Europe/Berlin" in added.lines[1]
    listed = jobsapi("schedules", "list", "--json")
    assert [s["name"] for s in listed.json()] == ["nightly"]
    assert listed.json()[0]["payload"] == {"full": True}
    assert jobsapi("schedules", "disable", "nightly", "--json").json()[0]["enabled"] is False
    assert jobsapi("schedules", "enable", "nightly", "--json").json()[0]["enabled"] is True
    ran = jobsapi("schedules", "run", "nightly")
    assert ran.code == 0 and ran.out.startswith("job ") and "schedule nightly" in ran.out
    assert [j.schedule_name for j in client.list()] == ["nightly"]
    assert jobsapi("schedules", "remove", "nightly").code == 0
    assert jobsapi("schedules", "list").out.strip() == "no schedules"


def test_schedules_refusals_exit_with_their_codes(jobsapi: Run, api: Api) -> None:  # noqa: F811
    bad = jobsapi("schedules", "add", "bad", "0 0 * * 8", "report")
    assert bad.code == 6, bad.err
    assert "0 0 * * 8" in bad.err  # the server's reason names the expression
    assert jobsapi("schedules", "run", "nope").code == 3
    assert jobsapi("schedules", "add", "x", "@daily", "r", "{not json").code == 2
    user = jobsapi("schedules", "list", "--token", api.token("jobs_user", "alice"))
    assert user.code == 5
    assert api.sql("SELECT count(*) FROM jobs.schedule") == [(0,)]
