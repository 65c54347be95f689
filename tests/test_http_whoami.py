"""GET /rpc/whoami: who a token is, what it sees, and the routes it may use
as the database's privileges say (the dashboard shows its actions by it)."""

from __future__ import annotations

import pytest

from http_helpers import error_of

CALLERS = {
    "jobs_user": {"sub": "alice"},
    "jobs_worker": {"sub": "w1", "queues": ["q"]},
    "jobs_admin": {"sub": "admin"},
    "jobs_metrics": {"sub": "prometheus"},
}


def whoami(api, role: str) -> dict:
    claims = dict(CALLERS[role])
    token = api.token(role, claims.pop("sub"), **claims)
    response = api.client.get("/rpc/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("role", sorted(CALLERS))
def test_the_rpc_routes_are_those_the_openapi_document_lists_for_the_token(api, role):
    me = whoami(api, role)
    claims = dict(CALLERS[role])
    token = api.token(role, claims.pop("sub"), **claims)
    document = api.client.get("/", headers={"Authorization": f"Bearer {token}"}).json()
    listed = {p.removeprefix("/") for p in document["paths"] if p.startswith("/rpc/")}
    assert {r for r in me["routes"] if r.startswith("rpc/")} == listed


def test_each_role_is_told_its_scope(api):
    assert {k: whoami(api, "jobs_user")[k] for k in ("role", "sub", "everything", "owner")} == \
        {"role": "jobs_user", "sub": "alice", "everything": False, "owner": "alice"}
    worker = whoami(api, "jobs_worker")
    assert (worker["everything"], worker["queues"], worker["owner"]) == (False, ["q"], None)
    assert whoami(api, "jobs_admin")["everything"] is True


def test_the_methods_of_a_view_are_what_the_grants_allow(api):
    user, worker, admin = (whoami(api, r)["routes"] for r in ("jobs_user", "jobs_worker",
                                                              "jobs_admin"))
    assert user["jobs"] == ["GET", "POST", "PATCH", "DELETE"]  # on some columns, own rows
    assert worker["jobs"] == ["GET"]
    assert user["queues"] == ["GET"] and admin["queues"] == ["GET", "POST", "PATCH", "DELETE"]
    assert "schedules" not in user and "schedules" in admin
    assert whoami(api, "jobs_metrics")["routes"].keys() == {
        "rpc/whoami", "rpc/metrics", "rpc/dashboard", "rpc/dashboard_file"}
    # And the database acts on it: a user's PATCH of a queue is refused.
    response = api.patch("/queues?name=eq.q", json={"paused": True}, role="jobs_user",
                         sub="alice")
    error_of(response, 403, "42501")


def test_without_a_token_whoami_says_one_is_needed(api):
    error_of(api.get("/rpc/whoami", role=None), 401, "PT401")
