-- The re-creatable schemas, created once and then kept: a deploy replaces
-- what sql/ declares in them (CREATE OR REPLACE) and drops, without
-- CASCADE, what sql/ no longer declares (python_client/jobsapi/
-- sql_deploy.py), so that a view an analyst built over api survives:
--   api            the public contract (views and functions PostgREST serves)
--   jobs_internal  private functions and the triggers on the tables of jobs
-- The tables themselves live in schema jobs and change only by migration.
CREATE SCHEMA IF NOT EXISTS jobs_internal;

COMMENT ON SCHEMA jobs_internal IS
'Private functions and trigger functions of jobsapi; declared by sql/ and kept in step by every deploy.';

CREATE SCHEMA IF NOT EXISTS api;

COMMENT ON SCHEMA api IS
$$jobsapi

A database-first jobs API: queue work for workers, watch and manage it, and log ETL runs. Statuses: scheduled, queued, running, completed, failed, cancelling, cancelled.$$;

-- PostgREST's media type handler for any Accept header, "*/*": a function
-- returning it answers its bytes as they are, with the Content-Type it sets
-- in response.headers. A browser's Accept ends in */*, so this serves a
-- page, a script and a style sheet alike (40_functions/dashboard.sql). A
-- domain, made once and kept like the schemas.
DO $$
BEGIN
    IF to_regtype('api."*/*"') IS NULL THEN
        CREATE DOMAIN api."*/*" AS bytea;
        COMMENT ON DOMAIN api."*/*" IS
        'PostgREST''s media type handler for any Accept header: a function returning it sets its own Content-Type.';
    END IF;
END;
$$;
