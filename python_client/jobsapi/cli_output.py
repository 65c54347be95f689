"""What the `jobsapi` command prints: tables for people, JSON for scripts,
and exit codes that say what happened."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from .errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    JobsApiError,
    JobTimeout,
    NotFound,
    Unauthorized,
    Unavailable,
)
from .models import Row

# Exit codes of the jobsapi command.
OK = 0
JOB_FAILED = 1  # watch/submit --wait: the job ended failed or cancelled
USAGE = 2  # bad command line (argparse) or missing setup
NOT_FOUND = 3
CONFLICT = 4
DENIED = 5  # 401 or 403
INVALID = 6  # 400: the server refused a value
UNAVAILABLE = 7  # the server could not be reached
ERROR = 8  # any other error the server answered
TIMEOUT = 124  # watch/submit --wait gave up (as timeout(1) does)

EXIT_CODES_HELP = """exit codes:
  0    success
  1    the job watched or waited for ended failed or cancelled
  2    bad command line
  3    not found (404)
  4    conflict with the job's state (409)
  5    not allowed: no or bad token (401), role may not (403)
  6    invalid input (400)
  7    server unreachable
  8    other server error
  124  timed out waiting for a job
"""


def exit_code(exc: JobsApiError) -> int:
    """The exit code for an error answered by jobsapi."""
    if isinstance(exc, JobTimeout):
        return TIMEOUT
    if isinstance(exc, NotFound):
        return NOT_FOUND
    if isinstance(exc, Conflict):
        return CONFLICT
    if isinstance(exc, (Unauthorized, Forbidden)):
        return DENIED
    if isinstance(exc, InvalidInput):
        return INVALID
    if isinstance(exc, Unavailable):
        return UNAVAILABLE
    return ERROR


def plain(value: Any) -> Any:
    """A row or value as JSON-ready data."""
    if isinstance(value, Row):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def print_json(value: Any, out: TextIO | None = None) -> None:
    """A value (rows included) as indented JSON."""
    out = out or sys.stdout
    json.dump(plain(value), out, indent=2, default=str)
    out.write("\n")


def cell(value: Any) -> str:
    """One value as table text: short times, compact JSON, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), default=str)
    return str(value)


def print_table(rows: Iterable[Row | dict[str, Any]], columns: Sequence[str],
                out: TextIO | None = None, *, empty: str = "(none)") -> None:
    """Rows as aligned columns; long cells are cut to fit the terminal."""
    out = out or sys.stdout
    data = [r.values() if isinstance(r, Row) else r for r in rows]
    if not data:
        print(empty, file=out)
        return
    table = [[cell(row.get(c)) for c in columns] for row in data]
    widths = [max(len(c), *(len(r[i]) for r in table)) for i, c in enumerate(columns)]
    room = shutil.get_terminal_size((120, 20)).columns
    # The last column takes what is left of the line.
    last = max(10, room - sum(w + 2 for w in widths[:-1]))
    widths[-1] = min(widths[-1], last)
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(), file=out)
    for r in table:
        print("  ".join(_cut(v, w).ljust(w) for v, w in zip(r, widths, strict=True)).rstrip(), file=out)


def print_record(row: Row | dict[str, Any], out: TextIO | None = None,
                 skip: Iterable[str] = ()) -> None:
    """One row as 'field: value' lines."""
    out = out or sys.stdout
    data = row.values() if isinstance(row, Row) else row
    skipped = set(skip)
    width = max(len(k) for k in data)
    for key, value in data.items():
        if key in skipped or value in (None, [], {}):
            continue
        print(f"{key.rjust(width)}: {cell(value)}", file=out)


def progress_bar(percent: int | None, status: str, message: str | None,
                 width: int = 30) -> str:
    """[#######.......]  45% running  message"""
    pct = max(0, min(100, percent or 0))
    done = width * pct // 100
    text = f"[{'#' * done}{'.' * (width - done)}] {pct:3d}% {status}"
    return f"{text}  {message}" if message else text


def _cut(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"
