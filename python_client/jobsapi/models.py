"""Typed rows of the jobsapi routes.

Each class mirrors one view or function answer; the database's COMMENT ON
text (the OpenAPI description at GET /) is the reference for every field.
Timestamps become aware datetimes; unknown keys (a newer server, an embedded
resource) are kept in `extra` rather than dropped.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

FINISHED = frozenset({"completed", "failed", "cancelled"})

R = TypeVar("R", bound="Row")


def parse_time(value: Any) -> datetime | None:
    """A PostgREST timestamp (ISO 8601) as an aware datetime; None stays None."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class _Shape:
    """What building a row of one class needs, worked out once per class."""

    names: frozenset[str]  # the fields a response may set (every one but extra)
    defaults: dict[str, Any]  # each field's plain default, under the field's own string
    factories: tuple[tuple[str, Any], ...]  # fields made fresh per row (extra, lists, dicts)


_SHAPES: dict[type, _Shape] = {}


def _shape(cls: type) -> _Shape:
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = dataclasses.fields(cls)
        required = [f.name for f in fields if f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING]
        if required:
            # from_row fills in what an answer leaves out from the defaults.
            raise TypeError(f"{cls.__name__}: every field of a row needs a default,"
                            f" not {', '.join(required)}")
        shape = _SHAPES[cls] = _Shape(
            frozenset(f.name for f in fields if f.name != "extra"),
            {f.name: f.default for f in fields if f.default is not dataclasses.MISSING},
            tuple((f.name, f.default_factory) for f in fields
                  if f.default_factory is not dataclasses.MISSING))
    return shape


@dataclass
class Row:
    """Base of the typed rows: build one from a JSON object."""

    TIMES: ClassVar[tuple[str, ...]] = ()
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_row(cls: type[R], row: dict[str, Any]) -> R:
        """A row from the JSON object of a response (or a psycopg dict row).

        Built without calling __init__, which only assigns: a worker builds
        thousands of rows a second, and a call with some forty keywords
        cost more than everything else here. Every field has a default, so
        the defaults go in first; a key decoded from JSON then keeps the
        field's own string in the instance's dict (an equal string from
        JSON would make every attribute read compare the two)."""
        shape = _shape(cls)
        row_object = cls.__new__(cls)
        values = row_object.__dict__
        values.update(shape.defaults)
        for name, factory in shape.factories:
            values[name] = factory()
        if row.keys() <= shape.names:
            values.update(row)
        else:
            extra = values["extra"]
            for key, value in row.items():
                if key in shape.names:
                    values[key] = value
                else:
                    extra[key] = value
        for key in cls.TIMES:
            value = values[key]
            if value is not None:
                values[key] = parse_time(value)
        return row_object

    def values(self) -> dict[str, Any]:
        """The row's fields as they are (timestamps as datetimes), extra keys last."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
               if f.name != "extra"}
        out.update(self.extra)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready values (timestamps in ISO 8601)."""
        return {k: v.isoformat() if isinstance(v, datetime) else v
                for k, v in self.values().items()}


@dataclass
class Job(Row):
    """A job (GET /jobs)."""

    TIMES: ClassVar[tuple[str, ...]] = ("run_at", "created_at", "started_at", "ended_at",
                                        "expires_at", "lease_expires_at", "fire_at")
    id: int = 0
    queue: str = "default"
    name: str = ""
    type: str = "job"
    status: str = "queued"
    priority: int = 2
    payload: Any = None
    meta: dict[str, Any] | None = None
    run_at: datetime | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    expires_at: datetime | None = None
    attempts: int = 0
    max_attempts: int | None = None
    progress: int | None = None
    message: str | None = None
    result: Any = None
    error: str | None = None
    stacktrace: str | None = None
    errors: list[dict[str, Any]] | None = None
    num_success: int | None = None
    num_error: int | None = None
    num_ignore: int | None = None
    owner: str | None = None
    worker: str | None = None
    lease_expires_at: datetime | None = None
    locks: list[str] | None = None
    finished_items: list[Any] | None = None
    retry_of: int | None = None
    root_job_id: int | None = None
    after_job_id: int | None = None
    next_job_id: int | None = None
    waiting: bool | None = None
    schedule_name: str | None = None
    fire_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """True once the job is completed, failed or cancelled."""
        return self.status in FINISHED


@dataclass
class Event(Row):
    """A status transition of a job (GET /job_events)."""

    TIMES: ClassVar[tuple[str, ...]] = ("happened_at",)
    id: int = 0
    job_id: int = 0
    from_status: str | None = None
    to_status: str = ""
    happened_at: datetime | None = None
    actor: str | None = None
    message: str | None = None


@dataclass
class Queue(Row):
    """A queue, its settings and its jobs per status (GET /queues)."""

    TIMES: ClassVar[tuple[str, ...]] = ("created_at",)
    name: str = ""
    paused: bool = False
    max_attempts: int | None = None
    backoff_seconds: int | None = None
    max_backoff_seconds: int | None = None
    keep_completed: int | None = None
    keep_failed: int | None = None
    max_payload_bytes: int | None = None
    created_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class QueuePage(Row):
    """A queue and one page of its jobs of one status (rpc/queue_jobs)."""

    name: str = ""
    paused: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    pagination: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> QueuePage:
        """The page with its jobs as Job rows."""
        page = super().from_row(row)
        page.jobs = [Job.from_row(j) for j in row.get("jobs") or []]
        return page


@dataclass
class Stats(Row):
    """Jobs per status and workers (GET /job_stats)."""

    total_jobs: int = 0
    scheduled: int = 0
    queued: int = 0
    running: int = 0
    completed: int = 0
    failed: int = 0
    cancelling: int = 0
    cancelled: int = 0
    active_workers: int = 0
    total_workers: int = 0


@dataclass
class Lock(Row):
    """A named lock held now (GET /job_locks)."""

    TIMES: ClassVar[tuple[str, ...]] = ("acquired_at",)
    name: str = ""
    job_id: int | None = None
    worker: str | None = None
    acquired_at: datetime | None = None


@dataclass
class WorkerInfo(Row):
    """A worker the database has seen (GET /workers)."""

    TIMES: ClassVar[tuple[str, ...]] = ("first_seen", "last_seen", "stopped_at")
    name: str = ""
    queues: list[str] | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    stopped_at: datetime | None = None
    active: bool = False
    running_jobs: int = 0


@dataclass
class Heartbeat(Row):
    """The answer to a heartbeat: cancel_requested means stop now."""

    TIMES: ClassVar[tuple[str, ...]] = ("lease_expires_at",)
    job_id: int = 0
    status: str = ""
    cancel_requested: bool = False
    lease_expires_at: datetime | None = None


@dataclass
class Cleanup(Row):
    """What cleanup_jobs deleted."""

    cleaned_jobs: int = 0
    freed_space_mb: float = 0.0
    message: str = ""


@dataclass
class Pruned(Row):
    """One line of prune_jobs: jobs deleted in a queue for a reason."""

    queue: str = ""
    reason: str = ""
    deleted: int = 0


@dataclass
class EtlRunRow(Row):
    """A run of an ETL script (GET /etl_jobs)."""

    TIMES: ClassVar[tuple[str, ...]] = ("start_date", "end_date")
    id: int = 0
    name: str = ""
    start_date: datetime | None = None
    end_date: datetime | None = None
    message: str | None = None
    status: str = ""
    records_processed: int | None = None
    source: str | None = None
    destination: str | None = None


@dataclass
class Schedule(Row):
    """A recurring schedule (GET /schedules)."""

    TIMES: ClassVar[tuple[str, ...]] = ("last_fire_at", "next_fire_at", "created_at")
    name: str = ""
    cron: str = ""
    time_zone: str = "UTC"
    queue: str = "default"
    job_name: str = ""
    payload: Any = None
    priority: int = 2
    meta: dict[str, Any] | None = None
    locks: list[str] | None = None
    max_attempts: int | None = None
    enabled: bool = True
    on_missed: str = "run_once"
    last_fire_at: datetime | None = None
    next_fire_at: datetime | None = None
    last_error: str | None = None
    owner: str | None = None
    created_at: datetime | None = None


@dataclass
class Maintenance(Row):
    """Who runs maintenance, when it last ran and what it did (GET /maintenance)."""

    TIMES: ClassVar[tuple[str, ...]] = ("last_started_at", "last_finished_at")
    mode: str = ""
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_result: dict[str, Any] | None = None
    runs: int = 0
    history_days: int = 0
