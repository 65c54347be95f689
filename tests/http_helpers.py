"""What the HTTP tests say often, said once: submit jobs, read one, call an
RPC, and read a PostgREST error. Each asserts the answer it expects, so a
test reads as the request it makes."""

from __future__ import annotations

from typing import Any

import httpx

RETURN = {"Prefer": "return=representation"}
JSON = {"Content-Type": "application/json"}


def submit(api: Any, queue: str | None = "q", *, role: str = "jobs_admin", sub: str = "admin",
           **fields: Any) -> dict[str, Any]:
    """POST one job (named "job" unless said; queue None: the server's
    default queue) and return its row."""
    fields.setdefault("name", "job")
    if queue is not None:
        fields["queue"] = queue
    response = api.post("/jobs", json=fields, headers=RETURN, role=role, sub=sub)
    assert response.status_code == 201, response.text
    [row] = response.json()
    return row


def submit_many(api: Any, rows: list[dict[str, Any]], *, role: str = "jobs_admin",
                sub: str = "admin") -> list[int]:
    """POST an array of jobs (one transaction) and return their ids."""
    response = api.post("/jobs", json=rows, headers=RETURN, role=role, sub=sub)
    assert response.status_code == 201, response.text
    return [row["id"] for row in response.json()]


def get_job(api: Any, job_id: int, *, role: str = "jobs_admin", sub: str = "admin") -> dict[str, Any]:
    """GET one job's row."""
    response = api.get(f"/jobs?id=eq.{job_id}", role=role, sub=sub)
    assert response.status_code == 200, response.text
    [row] = response.json()
    return row


def call(api: Any, name: str, role: str = "jobs_worker", sub: str = "w1", **args: Any) -> Any:
    """POST /rpc/name (as a worker unless said) and return the JSON answer of a 200."""
    response = api.rpc(name, args, role=role, sub=sub)
    assert response.status_code == 200, f"{name}: {response.status_code} {response.text}"
    return response.json()


def error_of(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """A PostgREST JSON error with that status (and SQLSTATE or PGRST code)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body.get("message"), str) and body["message"], body
    if code is not None:
        assert body["code"] == code, body
    return body
