"""`jobsapi up/down/token`: the embedded default stack, in a private folder
on free ports so it never meets a running `make up`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from jobsapi.errors import SetupError
from jobsapi.server import cluster, postgrest_server
from jobsapi.server.cluster import free_port
from jobsapi.server.paths import STATE_DIR

JOBSAPI = [sys.executable, "-m", "jobsapi.cli"]


@pytest.fixture
def stack_env(postgrest):
    state = Path(tempfile.mkdtemp(prefix="jobsapi-stack-"))
    state.chmod(0o755)
    (state / "bin").mkdir()
    # The binary the session already fetched; `up` fetches it when absent.
    shutil.copy(STATE_DIR / "bin" / "postgrest", state / "bin" / "postgrest")
    env = {**os.environ, "JOBSAPI_STATE_DIR": str(state), "JOBSAPI_PG_PORT": str(free_port()),
           "JOBSAPI_PORT": str(free_port())}
    env.pop("DATABASE_URL", None)
    yield env
    subprocess.run([*JOBSAPI, "down"], env=env, capture_output=True)
    shutil.rmtree(state, ignore_errors=True)


def run(env, *args):
    proc = subprocess.run([*JOBSAPI, *args], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_up_twice_serves_the_api_and_down_stops_it(stack_env):
    url = f"http://127.0.0.1:{stack_env['JOBSAPI_PORT']}"
    first = run(stack_env, "up")
    assert url in first
    [admin_token] = [line.split("=", 1)[1] for line in first.splitlines()
                     if line.startswith("export JOBSAPI_TOKEN=")]
    second = run(stack_env, "up")  # safe to repeat
    assert url in second

    # pg_cron is loaded for the stack's database and runs maintenance.
    assert "maintenance: pg_cron runs api.run_maintenance() every minute" in first
    status = httpx.get(f"{url}/maintenance", headers={"Authorization": f"Bearer {admin_token}"})
    assert status.status_code == 200 and status.json()[0]["mode"] == "pg_cron"

    created = httpx.post(f"{url}/jobs", json={"name": "hello"},
                         headers={"Authorization": f"Bearer {admin_token}",
                                  "Prefer": "return=representation"})
    assert created.status_code == 201, created.text

    user_token = run(stack_env, "token", "--role", "jobs_user", "--sub", "alice").strip()
    alice = {"Authorization": f"Bearer {user_token}"}
    assert httpx.post(f"{url}/jobs", json={"name": "mine"}, headers=alice).status_code == 201
    listed = httpx.get(f"{url}/jobs", headers=alice)
    assert listed.status_code == 200 and [j["name"] for j in listed.json()] == ["mine"]
    assert httpx.get(f"{url}/jobs").status_code == 401

    secrets_file = Path(stack_env["JOBSAPI_STATE_DIR"]) / "secrets.json"
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"

    run(stack_env, "down")
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)


def test_missing_postgresql_binaries_say_how_to_get_them(monkeypatch):
    monkeypatch.setattr(cluster, "DEFAULT_BINDIR", "/nonexistent")
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SetupError, match="apt-get install postgresql-15"):
        cluster.pg_bindir()


def test_missing_npm_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SetupError, match="apt-get install npm"):
        postgrest_server.install_postgrest(tmp_path)
