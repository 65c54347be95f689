"""The dashboard (GET /rpc/dashboard) in a real Chromium over the real API:
each role sees what the API shows it, actions appear only where /rpc/whoami
allows them and do what they say, a running job's progress shows live, and
a bad token brings the token form back. Screenshots of every screen go to
test-output/dashboard/.

The page polls; nothing here sleeps: Playwright's expect() waits (up to
EXPECT_MS) for the page to show what the API holds."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from browser import DASHBOARD, Watch, dashboard_url, launch, screenshot, shown_ids
from http_helpers import RETURN, call, get_job, submit, submit_many

EXPECT_MS = 10_000
expect.set_options(timeout=EXPECT_MS)
# One pytest-xdist process runs them all, with one Chromium (make test
# distributes by group).
pytestmark = pytest.mark.xdist_group("browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, watch: Watch) -> Iterator[Page]:
    """A fresh tab (its own sessionStorage); at the end, no script error, no
    CSP refusal and no request that counts rows."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    watch.attach(tab)
    yield tab
    context.close()
    watch.check()


@pytest.fixture
def queue() -> str:
    """A queue of the test's own."""
    return f"dash-{uuid.uuid4().hex[:8]}"


def paste_token(page: Page, api: Any, token: str, route: str = "/") -> None:
    page.goto(dashboard_url(api.url, route))
    expect(page.get_by_test_id("token-form")).to_be_visible()
    page.get_by_test_id("token-input").fill(token)
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("whoami")).to_be_visible()


def open_with_token(page: Page, api: Any, token: str, route: str = "/") -> None:
    page.goto(dashboard_url(api.url, route, token))
    expect(page.get_by_test_id("whoami")).to_be_visible()


def go(page: Page, route: str) -> None:
    """Another screen of the open page, as a click on a link does (no reload)."""
    page.evaluate("route => { location.hash = route; }", route)


def api_ids(api: Any, path: str, role: str, sub: str) -> list[int]:
    response = api.get(path, role=role, sub=sub)
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()]


def claim(api: Any, queue: str, worker: str = "w1", max_jobs: int = 1) -> list[dict[str, Any]]:
    jobs: list[dict[str, Any]] = call(api, "claim_jobs", sub=worker, queues=[queue], worker=worker,
                                      max_jobs=max_jobs)
    return jobs


def failed_job(api: Any, queue: str, name: str = "flaky") -> int:
    """A job that failed for good: one attempt, claimed and failed."""
    job = submit(api, queue, name=name, max_attempts=1)
    [claimed] = claim(api, queue)
    assert claimed["id"] == job["id"]
    call(api, "fail_job", job_id=job["id"], worker="w1", error="ValueError: bad row 7",
         stacktrace='Traceback (most recent call last):\n  File "etl.py", line 7\nValueError: bad row 7')
    assert get_job(api, job["id"])["status"] == "failed"
    return int(job["id"])


# --- 1. roles --------------------------------------------------------------

def test_admin_and_user_see_what_the_api_shows_them(page: Page, watch: Watch, browser: Browser,
                                                     api: Any, queue: str) -> None:
    submit_many(api, [{"name": f"mine-{i}", "queue": queue} for i in range(3)],
                role="jobs_user", sub="alice")
    submit_many(api, [{"name": f"bobs-{i}", "queue": queue} for i in range(2)],
                role="jobs_user", sub="bob")
    submit_many(api, [{"name": f"batch-{i}", "queue": queue} for i in range(55)])
    everything = api_ids(api, f"/jobs?queue=eq.{queue}&select=id&order=id.desc", "jobs_admin", "admin")
    assert len(everything) == 60

    # The admin pastes a token and pages through every job, 50 at a time.
    paste_token(page, api, api.token("jobs_admin", "admin"))
    expect(page.get_by_test_id("whoami-role")).to_have_text("jobs_admin")
    go(page, f"#/jobs?queue={queue}")
    rows = page.get_by_test_id("job-row")
    expect(rows).to_have_count(50)
    first_page = shown_ids(page)
    assert first_page == everything[:50]
    page.get_by_test_id("page-older").click()
    expect(rows).to_have_count(10)
    assert shown_ids(page) == everything[50:]
    expect(page.get_by_test_id("page-older")).to_be_disabled()
    page.get_by_test_id("page-newer").click()
    expect(rows).to_have_count(50)
    assert shown_ids(page) == first_page
    # No request asked for more than a page and one row, nor counted (Watch checks that).
    lists = watch.api_requests("/jobs")
    assert lists and all("limit=51" in r.url for r in lists), [r.url for r in lists]

    go(page, "#/")
    queue_row = page.locator(f'[data-testid=queue-row][data-queue="{queue}"]')
    expect(queue_row.get_by_test_id("queue-toggle")).to_have_text("Pause")
    expect(page.get_by_test_id("nav-schedules")).to_be_visible()

    # Alice comes with her token in the address; it leaves the address bar.
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    alice = context.new_page()
    alice_watch = Watch()
    alice_watch.attach(alice)
    try:
        open_with_token(alice, api, api.token("jobs_user", "alice"), f"/jobs?queue={queue}")
        assert "token=" not in alice.url
        expect(alice).to_have_url(re.compile(rf"#/jobs\?queue={queue}$"))
        expect(alice.get_by_test_id("whoami-sub")).to_have_text("alice")
        mine = api_ids(api, f"/jobs?queue=eq.{queue}&select=id&order=id.desc", "jobs_user", "alice")
        assert len(mine) == 3
        expect(alice.get_by_test_id("job-row")).to_have_count(3)
        assert shown_ids(alice) == mine
        expect(alice.get_by_test_id("page-older")).to_be_disabled()

        go(alice, "#/")
        alice_row = alice.locator(f'[data-testid=queue-row][data-queue="{queue}"]')
        expect(alice_row).to_be_visible()
        expect(alice_row.get_by_test_id("queue-toggle")).to_have_count(0)
        expect(alice.get_by_test_id("nav-schedules")).to_have_count(0)
        go(alice, "#/schedules")
        expect(alice.get_by_test_id("not-available")).to_be_visible()
        assert not alice_watch.api_requests("/schedules"), "a token without schedules asked for them"

        alice.get_by_test_id("sign-out").click()
        expect(alice.get_by_test_id("token-form")).to_be_visible()
        assert alice.evaluate("() => sessionStorage.length") == 0
    finally:
        context.close()
    alice_watch.check()


# --- 2. retry from a job's page ---------------------------------------------

def test_retry_a_failed_job_from_its_page(page: Page, api: Any, queue: str) -> None:
    job_id = failed_job(api, queue)
    open_with_token(page, api, api.token(), f"/jobs/{job_id}")
    expect(page.get_by_test_id("job-status")).to_have_text("failed")
    expect(page.get_by_test_id("job-error")).to_contain_text("ValueError: bad row 7")
    expect(page.get_by_test_id("job-retries-empty")).to_be_visible()
    screenshot(page, "job")

    page.get_by_test_id("action-retry").click()
    retry_row = page.get_by_test_id("retry-row")
    expect(retry_row).to_have_count(1)
    [retry] = api.get(f"/jobs?retry_of=eq.{job_id}").json()
    assert retry["type"] == "retry" and retry["root_job_id"] == job_id
    expect(retry_row).to_have_attribute("data-job-id", str(retry["id"]))
    expect(page.get_by_test_id("toast")).to_have_text(f"Retried as job #{retry['id']}")

    # The retry's own page names the job it retries.
    retry_row.get_by_role("link").first.click()
    expect(page.get_by_test_id("lineage-parent")).to_contain_text(f"#{job_id}")


# --- 3. pause and resume a queue --------------------------------------------

def test_pausing_a_queue_from_the_page_stops_claims(page: Page, api: Any, queue: str) -> None:
    job = submit(api, queue)
    open_with_token(page, api, api.token())
    row = page.locator(f'[data-testid=queue-row][data-queue="{queue}"]')
    toggle = row.get_by_test_id("queue-toggle")
    expect(toggle).to_have_text("Pause")
    expect(row.get_by_test_id("queue-paused")).to_have_count(0)

    toggle.click()
    expect(row.get_by_test_id("queue-paused")).to_be_visible()
    expect(toggle).to_have_text("Resume")
    assert api.get(f"/queues?name=eq.{queue}").json()[0]["paused"] is True
    assert claim(api, queue) == []
    screenshot(page, "overview")

    toggle.click()
    expect(row.get_by_test_id("queue-paused")).to_have_count(0)
    expect(toggle).to_have_text("Pause")
    assert api.get(f"/queues?name=eq.{queue}").json()[0]["paused"] is False
    assert [j["id"] for j in claim(api, queue)] == [job["id"]]


# --- 4. live progress --------------------------------------------------------

def test_a_running_jobs_progress_shows_without_reload(page: Page, api: Any, queue: str) -> None:
    job = submit(api, queue, name="resize")
    [claimed] = claim(api, queue)
    assert claimed["id"] == job["id"]
    open_with_token(page, api, api.token(), f"/jobs/{job['id']}")
    expect(page.get_by_test_id("job-status")).to_have_text("running")
    expect(page.get_by_test_id("job-progress")).to_have_text("0%")
    page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads

    for progress, message in ((10, "tile 1 of 10"), (60, "tile 6 of 10")):
        call(api, "heartbeat", job_id=job["id"], worker="w1", progress=progress, message=message)
        expect(page.get_by_test_id("job-progress")).to_have_text(f"{progress}%")
        expect(page.get_by_test_id("job-message")).to_have_text(message)

    call(api, "complete_job", job_id=job["id"], worker="w1", result={"tiles": 10}, num_success=10)
    expect(page.get_by_test_id("job-status")).to_have_text("completed")
    expect(page.get_by_test_id("job-result")).to_contain_text('"tiles": 10')
    assert page.evaluate("() => window.sameDocument") is True


# --- 5. tokens that do not work -----------------------------------------------

def test_an_expired_token_gets_the_token_form(page: Page, api: Any) -> None:
    # PostgREST allows 30 s of clock skew: a minute past its expiry is expired.
    expired = api.token("jobs_admin", "admin", ttl_seconds=-60)
    page.goto(dashboard_url(api.url, "/", expired))
    expect(page.get_by_test_id("token-form")).to_be_visible()
    expect(page.get_by_test_id("token-message")).to_contain_text("expired")
    assert page.evaluate("() => sessionStorage.length") == 0
    screenshot(page, "expired-token")

    # A token that is not one at all is refused, and said so.
    page.get_by_test_id("token-input").fill("not-a-token")
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("token-message")).to_contain_text("refused")

    # A good one opens the dashboard.
    page.get_by_test_id("token-input").fill(api.token("jobs_user", "alice"))
    page.get_by_test_id("token-submit").click()
    expect(page.get_by_test_id("whoami-sub")).to_have_text("alice")


# --- 6. the files, without a token --------------------------------------------

MEDIA = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".md": "text/markdown"}


def test_anon_gets_the_page_and_its_files(api: Any) -> None:
    anon = httpx.Client(base_url=api.url, timeout=30)
    with anon:
        page = anon.get("/rpc/dashboard")
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.content == (DASHBOARD / "index.html").read_bytes()

        files = sorted(p for p in DASHBOARD.rglob("*") if p.is_file())
        assert any(p.suffix == ".js" for p in files) and any(p.suffix == ".css" for p in files)
        for path in files:
            name = path.relative_to(DASHBOARD).as_posix()
            response = anon.get("/rpc/dashboard_file", params={"name": name})
            assert response.status_code == 200, f"{name}: {response.text}"
            assert response.content == path.read_bytes(), name
            if path.suffix in MEDIA:
                assert response.headers["content-type"].startswith(MEDIA[path.suffix]), name
            again = anon.get("/rpc/dashboard_file", params={"name": name},
                             headers={"If-None-Match": response.headers["etag"]})
            assert again.status_code == 304, name

        missing = anon.get("/rpc/dashboard_file", params={"name": "no/such/file.js"})
        assert missing.status_code == 404
        assert "no/such/file.js" in missing.json()["message"]

        # Every file the page names (script, style, import) is one of them.
        names = {p.relative_to(DASHBOARD).as_posix() for p in files}
        for path in files:
            if path.suffix in (".html", ".js") and "vendor" not in path.parts:
                for named in re.findall(r"dashboard_file\?name=([\w./-]+)", path.read_text()):
                    assert named in names, f"{path.name} names {named}, which dashboard/ does not hold"


# --- 7. bulk actions, errors, and every screen ---------------------------------

def test_bulk_actions_report_each_job(page: Page, watch: Watch, api: Any, queue: str) -> None:
    failed = [failed_job(api, queue, f"flaky-{i}") for i in range(2)]
    done = submit(api, queue, name="fine")
    [claimed] = claim(api, queue)
    call(api, "complete_job", job_id=claimed["id"], worker="w1")
    open_with_token(page, api, api.token(), f"/jobs?queue={queue}")
    expect(page.get_by_test_id("job-row")).to_have_count(3)

    page.get_by_test_id("select-failed").click()
    expect(page.get_by_test_id("selected-count")).to_have_text("2 selected")
    page.locator(f'[data-testid=job-select][data-job-id="{done["id"]}"]').check()
    page.get_by_test_id("bulk-retry").click()
    results = page.get_by_test_id("bulk-result")
    expect(results).to_have_count(3)
    for job_id in failed:
        expect(page.locator(f'[data-testid=bulk-result][data-job-id="{job_id}"]')).to_have_attribute("data-ok", "true")
        assert len(api.get(f"/jobs?retry_of=eq.{job_id}").json()) == 1
    refused = page.locator(f'[data-testid=bulk-result][data-job-id="{done["id"]}"]')
    expect(refused).to_have_attribute("data-ok", "false")
    assert api.get(f"/jobs?retry_of=eq.{done['id']}").json() == []
    expect(page.get_by_test_id("job-row")).to_have_count(5)
    screenshot(page, "jobs")

    # Delete the completed one (two clicks: the second confirms).
    page.locator(f'[data-testid=job-select][data-job-id="{done["id"]}"]').check()
    page.get_by_test_id("bulk-delete").click()
    page.get_by_test_id("bulk-delete").click()
    expect(page.locator(f'[data-testid=bulk-result][data-job-id="{done["id"]}"]')).to_have_text(
        re.compile("deleted"))
    expect(page.get_by_test_id("job-row")).to_have_count(4)
    assert api.get(f"/jobs?id=eq.{done['id']}").json() == []

    # A filter the queues' counts rule out: nothing matches, and the jobs
    # are not searched (at a million jobs that search reads every one).
    go(page, f"#/jobs?queue={queue}&status=cancelling")
    expect(page.get_by_test_id("jobs-empty")).to_be_visible()
    assert [r.url for r in watch.api_requests("/jobs") if "cancelling" in r.url] == []

    # A filter the API refuses: its message shows in the banner.
    go(page, f"#/jobs?queue={queue}&status=finished")
    expect(page.get_by_test_id("error-banner")).to_contain_text("invalid input value")


def test_every_screen_shows_its_data(page: Page, api: Any, queue: str) -> None:
    job = submit(api, queue, name="holder", locks=[f"{queue}-lock"])
    [claimed] = claim(api, queue, worker="w-screens")
    assert claimed["id"] == job["id"]
    call(api, "heartbeat", sub="w-screens", job_id=job["id"], worker="w-screens", progress=30)
    lock = f"{queue}-lock"
    assert api.get(f"/job_locks?name=eq.{lock}").json()[0]["job_id"] == job["id"]
    for status in ("success", "error"):
        response = api.post("/etl_jobs", headers=RETURN, json={
            "name": f"{queue}-etl", "start_date": "2026-11-23T10:00:00Z", "end_date": "2026-11-23T10:05:00Z",
            "status": status, "source": "crm", "destination": "warehouse", "records_processed": 42,
            "message": "bad row" if status == "error" else None})
        assert response.status_code == 201, response.text
    response = api.post("/schedules", headers=RETURN, json={
        "name": f"{queue}-nightly", "cron": "0 3 * * *", "job_name": "export", "queue": queue})
    assert response.status_code == 201, response.text

    open_with_token(page, api, api.token(), "/workers")
    worker = page.locator('[data-testid=worker-row][data-worker="w-screens"]')
    expect(worker.locator(f'[data-testid=held-job][data-job-id="{job["id"]}"]')).to_contain_text("30%")
    expect(page.get_by_test_id("maintenance-status")).to_be_visible()
    screenshot(page, "workers")

    go(page, "#/etl")
    expect(page.locator(f'[data-testid=etl-name-row][data-name="{queue}-etl"]')).to_be_visible()
    expect(page.get_by_test_id("etl-failure")).to_have_count(1)
    expect(page.get_by_test_id("etl-failure")).to_contain_text("bad row")
    screenshot(page, "etl")

    go(page, "#/schedules")
    schedule = page.locator(f'[data-testid=schedule-row][data-schedule="{queue}-nightly"]')
    expect(schedule).to_contain_text("0 3 * * *")
    screenshot(page, "schedules")
    schedule.get_by_test_id("schedule-run").click()
    expect(page.get_by_test_id("toast")).to_contain_text("enqueued job #")
    [fired] = api.get(f"/jobs?schedule_name=eq.{queue}-nightly").json()
    expect(page.get_by_test_id("toast")).to_contain_text(f"#{fired['id']}")

    go(page, "#/locks")
    row = page.locator(f'[data-testid=lock-row][data-lock="{lock}"]')
    expect(row).to_contain_text(f"#{job['id']}")
    screenshot(page, "locks")
    row.get_by_test_id("lock-clear").click()
    row.get_by_test_id("lock-clear").click()
    expect(row).to_have_count(0)
    assert api.get(f"/job_locks?name=eq.{lock}").json() == []

    go(page, "#/")
    expect(page.locator(f'[data-testid=queue-row][data-queue="{queue}"]')).to_be_visible()
    expect(page.get_by_test_id("chart-throughput")).to_be_visible()
    expect(page.get_by_test_id("stat-total_jobs")).to_be_visible()

