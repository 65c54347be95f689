"""Where sql/, migrations/ and the local state live.

A wheel carries sql/ and migrations/ in jobsapi/server/data/ (setup.py puts
them there); a checkout (an editable install) uses its own. Set
JOBSAPI_PROJECT_DIR to deploy another checkout's."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "data"
_CHECKOUT = Path(__file__).resolve().parents[3]

if os.environ.get("JOBSAPI_PROJECT_DIR"):
    #: The checkout whose sql/ and migrations/ are deployed.
    PROJECT_DIR: Path | None = Path(os.environ["JOBSAPI_PROJECT_DIR"])
elif (_PACKAGED / "sql").is_dir():
    PROJECT_DIR = None
else:
    PROJECT_DIR = _CHECKOUT

_FILES = PROJECT_DIR if PROJECT_DIR is not None else _PACKAGED
MIGRATIONS_DIR = _FILES / "migrations"
SQL_DIR = _FILES / "sql"

#: Local state of `jobsapi up`: cluster, PostgREST binary, secrets, logs. In a
#: checkout, its .local/ (kept out of git); else ~/.local/share/jobsapi.
STATE_DIR = Path(os.environ.get("JOBSAPI_STATE_DIR")
                 or (PROJECT_DIR / ".local" if PROJECT_DIR is not None
                     else Path.home() / ".local" / "share" / "jobsapi"))
