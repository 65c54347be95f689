"""Exceptions of jobsapi.

The database decides what is allowed; these classes only name its answers.
A refusal from PostgREST (HTTP status) or from PostgreSQL itself (SQLSTATE,
for the direct-connection worker) becomes the same exception, carrying the
server's message, details and hint unchanged.
"""

from __future__ import annotations

from typing import Any


class SetupError(RuntimeError):
    """Something the local stack needs is missing; the message says how to get it."""


class JobsApiError(Exception):
    """An error answered by jobsapi: the server's message, code, details and hint."""

    status: int | None = None

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 details: Any = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status = status
        self.details = details
        self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.details:
            text += f" ({self.details})"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text


class InvalidInput(JobsApiError):
    """400: a bad argument or value; nothing was changed."""

    status = 400


class Unauthorized(JobsApiError):
    """401: no token, or a token the server does not accept."""

    status = 401


class Forbidden(JobsApiError):
    """403: the token's role may not do this."""

    status = 403


class NotFound(JobsApiError):
    """404: no such job, queue, lock or worker (or not one the caller may see)."""

    status = 404


class Conflict(JobsApiError):
    """409: the request is valid but the current state forbids it."""

    status = 409


class ServerError(JobsApiError):
    """5xx: the server failed; the request may or may not have been applied."""

    status = 500


class Undecodable(JobsApiError):
    """The answer holds JSON this client cannot decode: nested deeper than
    Python's decoder goes (a job stored before the database limited
    nesting), or not JSON at all."""


class Unavailable(JobsApiError):
    """The server could not be reached."""


class JobTimeout(JobsApiError, TimeoutError):
    """wait() gave up before the job finished."""


_BY_STATUS: dict[int, type[JobsApiError]] = {
    400: InvalidInput,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
}

# The HTTP status PostgREST gives a SQLSTATE, for errors that come straight
# from PostgreSQL (the worker's direct connection): exact codes first, then
# classes (the first two characters); anything else is 400.
_STATUS_OF_SQLSTATE = {
    "23503": 409, "23505": 409, "25006": 405, "42883": 404, "42P01": 404, "42501": 403,
    "P0001": 400,
}
_STATUS_OF_SQLSTATE_CLASS = {
    "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500,
    "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500,
    "F0": 500, "HV": 500, "P0": 500, "XX": 500,
}


def status_of(code: str | None) -> int | None:
    """The HTTP status of a SQLSTATE or one of our PTxxx codes (PT404 is 404)."""
    if not code:
        return None
    if code.startswith("PT") and code[2:].isdigit():
        return int(code[2:])
    if code.startswith("PGRST"):
        return None
    return _STATUS_OF_SQLSTATE.get(code) or _STATUS_OF_SQLSTATE_CLASS.get(code[:2], 400)


def error_class(status: int | None, code: str | None) -> type[JobsApiError]:
    """The exception for an HTTP status, else for a SQLSTATE or PTxxx code."""
    if status is None:
        status = status_of(code)
    if status is None:
        return JobsApiError
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 else InvalidInput


def make_error(message: str | None, *, status: int | None = None, code: str | None = None,
               details: Any = None, hint: str | None = None) -> JobsApiError:
    """Build the exception the server's answer stands for."""
    cls = error_class(status, code)
    status = status if status is not None else status_of(code)
    return cls(message or f"HTTP {status}", code=code, status=status, details=details,
               hint=hint)


def from_psycopg(exc: Exception) -> JobsApiError:
    """The exception for a psycopg error raised by a jobsapi function."""
    diag = getattr(exc, "diag", None)
    code = getattr(exc, "sqlstate", None)
    message = (diag.message_primary if diag else None) or str(exc)
    details = diag.message_detail if diag else None
    hint = diag.message_hint if diag else None
    return make_error(message, code=code, details=details, hint=hint)
