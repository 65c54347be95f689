-- The re-creatable schemas, dropped and rebuilt on every deploy so that a
-- renamed or removed function, view or trigger cannot linger:
--   api            the public contract (views and functions PostgREST serves)
--   jobs_internal  private functions and the triggers on the tables of jobs
-- The tables themselves live in schema jobs and change only by migration.
DROP SCHEMA IF EXISTS api CASCADE;
DROP SCHEMA IF EXISTS jobs_internal CASCADE;

CREATE SCHEMA jobs_internal;

COMMENT ON SCHEMA jobs_internal IS
'Private functions and trigger functions of jobsapi; re-created by sql/ on every deploy.';

CREATE SCHEMA api;

COMMENT ON SCHEMA api IS
$$jobsapi

A database-first jobs API: queue work for workers, watch and manage it, and log ETL runs. Statuses: scheduled, queued, running, completed, failed, cancelling, cancelled.$$;
