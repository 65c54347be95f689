"""The embedded default stack of `jobsapi up`: a private cluster in .local/,
migrations and sql/ applied, PostgREST on 127.0.0.1:3000.

With DATABASE_URL set, that server is used instead of the private cluster.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from .cluster import Cluster, pg_cron_settings
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
        return PostgrestProcess(
            binary=self.state_dir / "bin" / "postgrest",
            env=postgrest_env(db_uri, jwt_secret(self.state_dir), self.api_port,
                              role_claim_key=os.environ.get("JOBSAPI_JWT_ROLE_CLAIM_KEY"),
                              audience=os.environ.get("JOBSAPI_JWT_AUD")),
            logfile=self.state_dir / "log" / "postgrest.log",
            pidfile=self.state_dir / "postgrest.pid",
        )

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
