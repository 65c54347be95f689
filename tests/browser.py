"""Chromium for the dashboard's tests, through Playwright: launching it,
opening the page with a token, watching what the page does wrong (script
errors, CSP refusals, a request that counts the whole table) and saving
screenshots to test-output/dashboard/."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request

CHROMIUM = Path(os.environ.get("JOBSAPI_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-output" / "dashboard"
DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"


def launch(playwright: Playwright) -> Browser:
    """The system's Chromium (Playwright's own download needs network access);
    without it the dashboard's tests fail, saying so."""
    if not CHROMIUM.exists():
        pytest.fail(f"the dashboard's browser tests need Chromium at {CHROMIUM}: "
                    "apt-get install chromium, or set JOBSAPI_CHROMIUM to its path", pytrace=False)
    # As root, Chromium runs only without its sandbox.
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])


@dataclass
class Watch:
    """What went wrong on a page, checked when its test ends."""

    errors: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("console", self._console)
        page.on("request", lambda request: self.requests.append(request))

    def _console(self, message: ConsoleMessage) -> None:
        # A refused load or script is a CSP violation; a failed fetch (401,
        # 404) is logged too, and is the page's business.
        if message.type == "error" and ("Content Security Policy" in message.text
                                         or "Refused to" in message.text):
            self.errors.append(f"CSP: {message.text}")

    def api_requests(self, path: str) -> list[Request]:
        """The page's requests to one route ("/jobs", "/rpc/whoami")."""
        return [r for r in self.requests if r.url.split("?")[0].endswith(path)]

    def check(self) -> None:
        counting = [r.url for r in self.requests if "count=" in (r.headers.get("prefer") or "")]
        assert not counting, f"requests that count rows: {counting}"
        assert not self.errors, "\n".join(self.errors)


def dashboard_url(api_url: str, route: str = "/", token: str | None = None) -> str:
    """The page at that route (#/jobs?queue=q), with the token in the fragment if given."""
    url = f"{api_url}/rpc/dashboard#{route}"
    if token is not None:
        url += ("&" if "?" in route else "?") + f"token={quote(token)}"
    return url


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def shown_ids(page: Page, testid: str = "job-row") -> list[int]:
    """The job ids of the rows on show, in page order."""
    ids: list[int] = page.locator(f"[data-testid={testid}]").evaluate_all(
        "rows => rows.map(row => Number(row.dataset.jobId))")
    return ids
