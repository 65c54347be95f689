"""Where the project's files and the local state live."""

from __future__ import annotations

import os
from pathlib import Path

#: The repository (holds sql/ and migrations/) when installed from a checkout.
PROJECT_DIR = Path(os.environ.get("JOBSAPI_PROJECT_DIR", Path(__file__).resolve().parents[2]))
MIGRATIONS_DIR = PROJECT_DIR / "migrations"
SQL_DIR = PROJECT_DIR / "sql"
#: Local state of `jobsapi up`: cluster, PostgREST binary, secrets, logs. Kept out of git.
STATE_DIR = Path(os.environ.get("JOBSAPI_STATE_DIR", PROJECT_DIR / ".local"))
