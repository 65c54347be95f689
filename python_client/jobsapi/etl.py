"""The run log of an ETL script as a context manager.

    with client.etl_run("orders_to_dwh", "crm", "dwh") as run:
        rows = extract(changed_since=run.watermark)
        run.records_processed = load(rows)

On enter a run is recorded as in_progress and `watermark` is the start of
the newest successful run of that name (None the first time): extract what
changed since then. On a normal exit the run becomes success with its
records_processed; on an exception it becomes error with the exception's
text, and the exception goes on.
"""

from __future__ import annotations

import logging
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING

from .errors import JobsApiError
from .models import EtlRunRow

if TYPE_CHECKING:
    from .client import Client

log = logging.getLogger(__name__)


class EtlRun:
    """One run of an ETL job; see the module's docstring."""

    def __init__(self, client: Client, name: str, source: str, destination: str) -> None:
        self.client = client
        self.name = name
        self.source = source
        self.destination = destination
        self.watermark: datetime | None = None
        self.records_processed = 0
        self.message: str | None = None
        self.row: EtlRunRow | None = None

    @property
    def id(self) -> int | None:
        """The run's id (its job id) once it is recorded."""
        return self.row.id if self.row else None

    def add(self, records: int) -> None:
        """Count records as processed."""
        self.records_processed += records

    def __enter__(self) -> EtlRun:
        self.watermark = self.client.last_success(self.name)
        self.row = self.client.start_etl_run(self.name, self.source, self.destination)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self.row is not None, "the run was not started"
        if exc is None:
            self.row = self.client.end_etl_run(self.row.id, "success",
                                               records_processed=self.records_processed,
                                               message=self.message)
            return
        text = f"{exc_type.__name__}: {exc}" if exc_type else str(exc)
        try:
            self.row = self.client.end_etl_run(self.row.id, "error", message=text,
                                               records_processed=self.records_processed)
        except JobsApiError:
            # The script's own exception matters more than the log's.
            log.exception("could not record the error of ETL run %s", self.id)
