"""The OpenAPI document PostgREST serves at / : every view, column and RPC of
schema api is in it, described by its COMMENT ON; nothing is undocumented."""

from __future__ import annotations

import pytest

LIFECYCLE_RPCS = ("claim_jobs", "heartbeat", "heartbeat_jobs", "complete_job", "complete_jobs", "fail_job",
                  "fail_jobs", "cancel_job", "reap_expired_leases")
CORE_VIEWS = ("jobs", "job_events", "queues")

# Argument names are part of the contract (DESIGN.md).
RPC_ARGUMENTS = {
    "claim_jobs": {"queues", "worker", "max_jobs", "lease_seconds"},
    "heartbeat": {"job_id", "worker", "progress", "message"},
    "heartbeat_jobs": {"beats", "worker", "lease_seconds"},
    "complete_job": {"job_id", "worker", "result", "num_success", "num_error", "num_ignore",
                     "message"},
    "complete_jobs": {"results", "worker"},
    "fail_job": {"job_id", "worker", "error", "stacktrace", "retry"},
    "fail_jobs": {"failures", "worker"},
    "cancel_job": {"job_id"},
    "reap_expired_leases": set(),
    "run_maintenance": {"min_interval_seconds", "unless_pg_cron"},
    "run_schedule": {"name"},
    "next_due": {"queues"},
}


# --- helpers -----------------------------------------------------------------

@pytest.fixture
def doc(api) -> dict:
    response = api.get("/")
    assert response.status_code == 200, response.text
    return response.json()


def split(comment: str) -> tuple[str, str | None]:
    """PostgREST's reading of a comment: first paragraph summary, the rest description."""
    summary, _, description = comment.partition("\n\n")
    return summary, description or None


def views(api) -> dict[str, str | None]:
    """Every view (or table) of schema api with its comment."""
    return dict(api.sql(
        "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class AS c"
        " WHERE c.relnamespace = 'api'::regnamespace AND c.relkind IN ('v', 'm', 'r', 'p', 'f')"))


def columns(api, view: str) -> list[tuple[str, str | None]]:
    """The columns of api.view in order, with their comments."""
    return api.sql(
        "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute AS a"
        " WHERE a.attrelid = format('api.%%I', %s::text)::regclass AND a.attnum > 0"
        " AND NOT a.attisdropped ORDER BY a.attnum", view)


def functions(api) -> list[tuple[str, str | None, bool]]:
    """Every function of schema api: name, comment, and whether it is a computed field
    (one argument, a row of an api relation), which PostgREST does not offer as an RPC."""
    return api.sql(
        "SELECT p.proname, obj_description(p.oid, 'pg_proc'),"
        " p.pronargs = 1 AND EXISTS (SELECT FROM pg_type AS t JOIN pg_class AS c"
        "   ON c.oid = t.typrelid WHERE t.oid = p.proargtypes[0]"
        "   AND c.relnamespace = 'api'::regnamespace AND c.relkind <> 'c')"
        " FROM pg_proc AS p WHERE p.pronamespace = 'api'::regnamespace ORDER BY 1")


def rpcs(api) -> dict[str, str | None]:
    return {name: comment for name, comment, computed in functions(api) if not computed}


def documented(text: str | None) -> bool:
    return bool(text and text.strip())


# --- the document ----------------------------------------------------------------

def test_root_serves_openapi_2_for_an_admin(api):
    response = api.get("/")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/openapi+json")
    body = response.json()
    assert body["swagger"] == "2.0"
    assert set(body) >= {"info", "paths", "definitions"}


def test_info_comes_from_the_schema_comment(api, doc):
    comment = api.sql("SELECT obj_description('api'::regnamespace, 'pg_namespace')")[0][0]
    assert documented(comment)
    title, description = split(comment)
    assert doc["info"]["title"] == title == "jobsapi"
    assert doc["info"]["description"] == description
    assert doc["info"]["version"] == "12.0.2"


# --- views -------------------------------------------------------------------------

def test_every_api_view_is_a_definition_and_a_path(api, doc):
    names = set(views(api))
    assert set(CORE_VIEWS) <= names
    assert set(doc["definitions"]) == names
    assert {path.lstrip("/") for path in doc["paths"]
            if path != "/" and not path.startswith("/rpc/")} == names


def test_every_api_view_has_a_comment(api):
    undocumented = [name for name, comment in views(api).items() if not documented(comment)]
    assert undocumented == []


@pytest.mark.parametrize("view", CORE_VIEWS)
def test_core_view_definition_is_described_by_its_comment(api, doc, view):
    comment = views(api)[view]
    assert documented(comment)
    assert doc["definitions"][view]["description"] == comment


def test_every_view_definition_is_described_by_its_comment(api, doc):
    for view, comment in views(api).items():
        assert doc["definitions"][view].get("description") == comment, view


@pytest.mark.parametrize("view", CORE_VIEWS)
def test_core_view_path_summary_and_description_come_from_its_comment(api, doc, view):
    summary, description = split(views(api)[view])
    operations = doc["paths"][f"/{view}"]
    assert "get" in operations
    for method, operation in operations.items():
        assert operation["summary"] == summary, method
        assert operation.get("description") == description, method


# --- columns -----------------------------------------------------------------------

def test_every_column_of_jobs_is_a_property(api, doc):
    names = [name for name, _ in columns(api, "jobs")]
    assert list(doc["definitions"]["jobs"]["properties"]) == names
    # The contract's canonical fields are all there.
    assert set(names) >= {
        "id", "queue", "name", "type", "status", "priority", "payload", "meta", "run_at",
        "created_at", "started_at", "ended_at", "expires_at", "attempts", "max_attempts",
        "progress", "message", "result", "error", "stacktrace", "num_success", "num_error",
        "num_ignore", "owner", "worker"}


def test_every_column_of_jobs_is_described_by_its_comment(api, doc):
    properties = doc["definitions"]["jobs"]["properties"]
    missing = []
    for name, comment in columns(api, "jobs"):
        if not documented(comment):
            missing.append(name)
            continue
        # PostgREST appends a note to primary-key columns.
        assert properties[name]["description"].startswith(comment), name
    assert missing == []


def test_the_id_of_jobs_is_marked_as_its_key(doc):
    assert "<pk/>" in doc["definitions"]["jobs"]["properties"]["id"]["description"]


@pytest.mark.parametrize("view", CORE_VIEWS)
def test_every_column_of_a_core_view_is_described_by_its_comment(api, doc, view):
    properties = doc["definitions"][view]["properties"]
    cols = columns(api, view)
    assert [name for name, _ in cols] == list(properties)
    assert [name for name, comment in cols if not documented(comment)] == []
    for name, comment in cols:
        assert properties[name]["description"].startswith(comment), (view, name)


def test_no_column_of_any_api_view_is_undocumented(api, doc):
    missing = [(view, name) for view in views(api) for name, comment in columns(api, view)
               if not documented(comment)]
    assert missing == []
    undescribed = [(view, name) for view, definition in doc["definitions"].items()
                   for name, prop in definition["properties"].items()
                   if not documented(prop.get("description"))]
    assert undescribed == []


def test_status_enum_lists_the_canonical_statuses(doc):
    assert doc["definitions"]["jobs"]["properties"]["status"]["enum"] == [
        "scheduled", "queued", "running", "completed", "failed", "cancelling", "cancelled"]


# --- rpcs --------------------------------------------------------------------------

def test_every_lifecycle_rpc_is_a_path(doc):
    for name in LIFECYCLE_RPCS:
        assert f"/rpc/{name}" in doc["paths"], name


def test_the_rpc_paths_are_exactly_the_api_functions(api, doc):
    in_doc = {path.removeprefix("/rpc/") for path in doc["paths"] if path.startswith("/rpc/")}
    assert in_doc == set(rpcs(api))


def test_every_api_function_has_a_comment(api):
    # Computed fields (duration, events, ...) too: they are columns to a reader.
    assert [name for name, comment, _ in functions(api) if not documented(comment)] == []


def test_every_rpc_is_described_by_its_comment(api, doc):
    for name, comment in rpcs(api).items():
        assert documented(comment), name
        summary, description = split(comment)
        operation = doc["paths"][f"/rpc/{name}"]["post"]
        assert operation["summary"] == summary, name
        assert operation.get("description") == description, name


@pytest.mark.parametrize("name", LIFECYCLE_RPCS)
def test_lifecycle_rpc_has_a_summary_and_a_description(api, doc, name):
    operation = doc["paths"][f"/rpc/{name}"]["post"]
    assert documented(operation.get("summary")), name
    assert documented(operation.get("description")), name
    body = next(p for p in operation["parameters"] if p.get("in") == "body")
    assert body["schema"]["description"] == rpcs(api)[name]


@pytest.mark.parametrize(("name", "arguments"), RPC_ARGUMENTS.items(), ids=RPC_ARGUMENTS.keys())
def test_rpc_arguments_carry_the_contract_names(doc, name, arguments):
    operation = doc["paths"][f"/rpc/{name}"]["post"]
    body = next(p for p in operation["parameters"] if p.get("in") == "body")
    assert set(body["schema"].get("properties", {})) >= arguments


@pytest.mark.parametrize("name", ["heartbeat", "complete_job", "fail_job", "cancel_job"])
def test_job_id_is_required_where_a_job_is_named(doc, name):
    operation = doc["paths"][f"/rpc/{name}"]["post"]
    body = next(p for p in operation["parameters"] if p.get("in") == "body")
    assert "job_id" in body["schema"].get("required", [])


def test_composite_types_of_api_have_a_comment(api):
    missing = api.sql(
        "SELECT t.typname FROM pg_type AS t JOIN pg_class AS c ON c.oid = t.typrelid"
        " WHERE t.typnamespace = 'api'::regnamespace AND c.relkind = 'c'"
        " AND coalesce(obj_description(t.oid, 'pg_type'), '') = ''")
    assert missing == []
