"""The dashboard's files: loaded from dashboard/ by the deploy
(jobsapi/server/sql_deploy.py) and served by PostgREST itself
(sql/40_functions/dashboard.sql), to anyone, with their media type and an
ETag. What the page does in a browser: test_dashboard_browser.py."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import psycopg
import pytest

from http_helpers import error_of
from jobsapi.server.paths import SQL_DIR
from jobsapi.server.sql_deploy import apply_sql, media_type

DASHBOARD = SQL_DIR.parent / "dashboard"


def on_disk(root: Path = DASHBOARD) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_every_file_of_dashboard_is_served_as_it_is(api):
    files = on_disk()
    assert "index.html" in files
    for name, body in files.items():
        response = api.get("/rpc/dashboard_file", params={"name": name}, role=None)
        assert response.status_code == 200, (name, response.text)
        assert response.content == body, name
        assert response.headers["content-type"] == media_type(Path(name)), name
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_needs_no_token_and_may_load_only_its_own_origin(api):
    response = api.get("/rpc/dashboard", role=None,
                       headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.content == (DASHBOARD / "index.html").read_bytes()
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_a_copy_the_browser_holds_is_confirmed_with_an_empty_304(api):
    first = api.get("/rpc/dashboard_file", params={"name": "index.html"}, role=None)
    etag = first.headers["etag"]
    again = api.get("/rpc/dashboard_file", params={"name": "index.html"}, role=None,
                    headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    stale = api.get("/rpc/dashboard_file", params={"name": "index.html"}, role=None,
                    headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.content == first.content


@pytest.mark.parametrize("name", ["nothing.js", "../sql/00_roles.sql", "", "INDEX.HTML"])
def test_a_file_the_dashboard_does_not_have_answers_404(api, name):
    body = error_of(api.get("/rpc/dashboard_file", params={"name": name}, role=None), 404,
                    "PT404")
    assert body["message"] == f"the dashboard has no file {name}"


def test_a_deploy_writes_the_files_that_changed_and_drops_those_removed(db, tmp_path):
    root = tmp_path / "checkout"
    sql_dir = Path(shutil.copytree(SQL_DIR, root / "sql"))
    shutil.copytree(DASHBOARD, root / "dashboard")
    url = f"postgresql://{db.info.user}@{db.info.host}:{db.info.port}/{db.info.dbname}"
    apply_sql(url, sql_dir)
    kept = db.execute("SELECT xmin::text FROM jobs.dashboard_file WHERE name = 'index.html'"
                      ).fetchone()
    (root / "dashboard" / "extra.css").write_text("body { color: red; }\n")
    changed = next(p for p in sorted((root / "dashboard").rglob("*.js")))
    changed.write_text(changed.read_text() + "\n// changed\n")
    removed = next(p for p in sorted((root / "dashboard").rglob("*.css")) if p.name != "extra.css")
    removed.unlink()
    apply_sql(url, sql_dir)
    held = {name: (kind, bytes(body), sha) for name, kind, body, sha in db.execute(
        "SELECT name, media_type, body, sha256 FROM jobs.dashboard_file").fetchall()}
    files = on_disk(root / "dashboard")
    assert set(held) == set(files)
    for name, body in files.items():
        assert held[name] == (media_type(Path(name)), body, hashlib.sha256(body).hexdigest())
    # An unchanged file is not written again.
    assert db.execute("SELECT xmin::text FROM jobs.dashboard_file WHERE name = 'index.html'"
                      ).fetchone() == kept


def test_api_roles_may_not_write_the_files(connect):
    for role in ("anon", "jobs_user", "jobs_worker", "jobs_admin", "jobs_metrics"):
        conn = connect()
        conn.execute(f"SET ROLE {role}")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE jobs.dashboard_file SET body = 'x'")
