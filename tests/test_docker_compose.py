"""docker-compose.yml stays consistent with the local stack's settings."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from jobsapi.server.postgrest_server import POSTGREST_VERSION, postgrest_env

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_images_match_the_versions_used_locally():
    assert SERVICES["db"]["image"] == "postgres:15"
    assert SERVICES["postgrest"]["image"] == f"postgrest/postgrest:v{POSTGREST_VERSION}"


def test_postgrest_gets_every_setting_the_local_stack_sets():
    local = postgrest_env("postgresql://x", "secret", 3000, role_claim_key=".role")
    compose = SERVICES["postgrest"]["environment"]
    assert set(compose) == set(local)
    for key in ("PGRST_DB_SCHEMAS", "PGRST_DB_ANON_ROLE", "PGRST_DB_PRE_REQUEST", "PGRST_DB_POOL",
                "PGRST_DB_CHANNEL_ENABLED", "PGRST_OPENAPI_MODE", "PGRST_SERVER_PORT"):
        assert str(compose[key]) == local[key], key
    assert compose["PGRST_JWT_ROLE_CLAIM_KEY"] == "${JOBSAPI_JWT_ROLE_CLAIM_KEY:-.role}"


def test_postgrest_logs_in_as_the_authenticator_of_roles_sql():
    uri = SERVICES["postgrest"]["environment"]["PGRST_DB_URI"]
    assert uri.startswith("postgresql://authenticator:")
    roles_sql = (ROOT / "sql" / "00_roles.sql").read_text()
    assert "CREATE ROLE authenticator LOGIN NOINHERIT" in roles_sql
    anon = SERVICES["postgrest"]["environment"]["PGRST_DB_ANON_ROLE"]
    assert re.search(rf"'{anon}'", roles_sql)


def test_migration_step_runs_the_same_deploy_before_postgrest_starts():
    migrate = SERVICES["migrate"]
    assert "jobsapi migrate" in migrate["command"]
    assert migrate["environment"]["DATABASE_URL"].endswith("@db:5432/jobsapi")
    # migrations/ and sql/ are read from the mounted checkout.
    assert migrate["environment"]["JOBSAPI_PROJECT_DIR"] == migrate["working_dir"] == "/app"
    assert ".:/app:ro" in migrate["volumes"]
    assert SERVICES["postgrest"]["depends_on"]["migrate"]["condition"] == \
        "service_completed_successfully"
    # The password PostgREST uses is the one the migration step sets.
    password = migrate["environment"]["JOBSAPI_AUTHENTICATOR_PASSWORD"]
    assert f"authenticator:{password}@" in SERVICES["postgrest"]["environment"]["PGRST_DB_URI"]


def test_database_name_matches_the_local_default():
    from jobsapi.server.stack import DATABASE

    assert SERVICES["db"]["environment"]["POSTGRES_DB"] == DATABASE
