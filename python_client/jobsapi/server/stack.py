"""The local stacks, built in one place: a cluster, migrations and sql/
deployed, PostgREST in front.

- Stack: the embedded default of `jobsapi up`, kept in .local/ (with
  DATABASE_URL set, that server is used instead of the private cluster).
- throwaway_stack(): the same on free ports in a temporary folder, removed
  afterwards, for the tests and the bench.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from .cluster import Cluster, free_port, pg_cron_settings
from .migrate import deploy, set_authenticator_password
from .paths import STATE_DIR
from .postgrest_server import PostgrestProcess, install_postgrest, postgrest_env

DATABASE = "jobsapi"


def load_secrets(state_dir: Path = STATE_DIR) -> dict[str, str]:
    """Passwords and the JWT secret, created on first use and kept in .local/ (not in git)."""
    path = state_dir / "secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    state_dir.mkdir(parents=True, exist_ok=True)
    values = {
        "postgres_password": secrets.token_urlsafe(24),
        "authenticator_password": secrets.token_urlsafe(24),
        "jwt_secret": secrets.token_urlsafe(48),
    }
    path.touch(mode=0o600)
    path.write_text(json.dumps(values, indent=2))
    return values


def jwt_secret(state_dir: Path = STATE_DIR) -> str:
    return os.environ.get("JOBSAPI_JWT_SECRET") or load_secrets(state_dir)["jwt_secret"]


def with_user(url: str, user: str, password: str) -> str:
    """The same server and database, logged in as another user."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user)}:{quote(password)}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@dataclass
class Stack:
    state_dir: Path = STATE_DIR
    pg_port: int = int(os.environ.get("JOBSAPI_PG_PORT", "54329"))
    api_port: int = int(os.environ.get("JOBSAPI_PORT", "3000"))
    notes: list[str] = field(default_factory=list)

    @property
    def external_database(self) -> str | None:
        return os.environ.get("DATABASE_URL")

    def cluster(self) -> Cluster:
        return Cluster(self.state_dir / "pgdata", self.pg_port,
                       password_file=self.state_dir / "postgres.pw")

    def database_url(self) -> str:
        if self.external_database:
            return self.external_database
        pw = quote(load_secrets(self.state_dir)["postgres_password"])
        return f"postgresql://postgres:{pw}@127.0.0.1:{self.pg_port}/{DATABASE}"

    def postgrest(self) -> PostgrestProcess:
        values = load_secrets(self.state_dir)
        db_uri = with_user(self.database_url(), "authenticator", values["authenticator_password"])
        return postgrest_process(db_uri, jwt_secret(self.state_dir),
                                 self.state_dir / "log" / "postgrest.log", self.api_port,
                                 binary=self.state_dir / "bin" / "postgrest",
                                 pidfile=self.state_dir / "postgrest.pid",
                                 role_claim_key=os.environ.get("JOBSAPI_JWT_ROLE_CLAIM_KEY"),
                                 audience=os.environ.get("JOBSAPI_JWT_AUD"))

    def up(self) -> str:
        """Bring everything up (safe to repeat); returns the API URL. What the
        deploy said of maintenance is in self.notes."""
        values = load_secrets(self.state_dir)
        install_postgrest(self.state_dir / "bin")
        if not self.external_database:
            pwfile = self.state_dir / "postgres.pw"
            pwfile.write_text(values["postgres_password"])
            pwfile.chmod(0o600)
            cluster = self.cluster()
            cluster.init()
            # pg_cron runs maintenance every minute where it is installed.
            cluster.start(settings=pg_cron_settings(DATABASE))
        self.notes = deploy(self.database_url())
        set_authenticator_password(self.database_url(), values["authenticator_password"])
        server = self.postgrest()
        server.start()
        return server.url

    def down(self) -> None:
        self.postgrest().stop()
        if not self.external_database:
            self.cluster().stop()


def postgrest_process(db_uri: str, secret: str, logfile: Path, port: int | None = None, *,
                      binary: Path | None = None, pidfile: Path | None = None,
                      role_claim_key: str | None = None,
                      audience: str | None = None) -> PostgrestProcess:
    """A PostgREST (not started yet) over db_uri, logging in as the
    authenticator, on port (a free one by default); the binary is fetched
    into STATE_DIR/bin unless given."""
    return PostgrestProcess(
        binary=binary or install_postgrest(STATE_DIR / "bin"),
        env=postgrest_env(db_uri, secret, port or free_port(), role_claim_key=role_claim_key,
                          audience=audience),
        logfile=logfile, pidfile=pidfile)


@dataclass
class ThrowawayStack:
    """What throwaway_stack() started."""
    workdir: Path
    cluster: Cluster
    database: str
    secret: str
    postgrest: PostgrestProcess | None

    def dsn(self, database: str | None = None, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.cluster.port}/{database or self.database}"


@contextmanager
def throwaway_stack(prefix: str, *, database: str = DATABASE,
                    settings: dict[str, str] | None = None, with_pg_cron: bool = False,
                    with_postgrest: bool = True, secret: str | None = None,
                    before_postgrest: Callable[[str], None] | None = None,
                    ) -> Iterator[ThrowawayStack]:
    """A cluster in a new temporary folder on a free port (run as the postgres
    user; pg_cron loaded for database if asked), migrations and sql/
    deployed into database, before_postgrest(dsn) run, then PostgREST on a
    free port; everything stopped and removed on exit."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    workdir.chmod(0o755)  # the postgres user must reach the data directory inside
    cluster = Cluster(workdir / "pgdata", free_port())
    server: PostgrestProcess | None = None
    try:
        cluster.init()
        cluster.start(settings={**(settings or {}),
                                **(pg_cron_settings(database) if with_pg_cron else {})})
        stack = ThrowawayStack(workdir, cluster, database, secret or secrets.token_urlsafe(48),
                               None)
        deploy(stack.dsn())
        if before_postgrest is not None:
            before_postgrest(stack.dsn())
        if with_postgrest:
            server = postgrest_process(stack.dsn(user="authenticator"), stack.secret,
                                       workdir / "postgrest.log")
            server.start()
            stack.postgrest = server
        yield stack
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
