"""jobsapi: a database-first jobs API served by PostgREST.

    from jobsapi import Client, Worker
    client = Client()                      # JOBSAPI_URL, JOBSAPI_TOKEN
    job = client.submit("resize", {"image": 42})
    print(client.wait(job.id, timeout=60).result)
"""

from .client import Client
from .errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    JobsApiError,
    JobTimeout,
    NotFound,
    ServerError,
    Unauthorized,
    Unavailable,
    Undecodable,
)
from .etl import EtlRun
from .models import EtlRunRow, Event, Job, Lock, Queue, QueuePage, Stats, WorkerInfo
from .worker import JobCancelled, JobRun, PermanentFailure, Worker

__version__ = "0.1.0"

__all__ = [
    "Client", "Conflict", "EtlRun", "EtlRunRow", "Event", "Forbidden", "InvalidInput", "Job",
    "JobCancelled", "JobRun", "JobTimeout", "JobsApiError", "Lock", "NotFound",
    "PermanentFailure", "Queue", "QueuePage", "ServerError", "Stats", "Unauthorized",
    "Unavailable", "Undecodable", "Worker", "WorkerInfo",
]
