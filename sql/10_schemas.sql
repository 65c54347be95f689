-- The api schema is the public contract and is rebuilt from scratch on
-- every deploy, so a removed function or view cannot linger.
DROP SCHEMA IF EXISTS api CASCADE;

CREATE SCHEMA api;

COMMENT ON SCHEMA api IS
$$jobsapi

A database-first jobs API: queue work for workers, watch and manage it, and log ETL runs. Statuses: scheduled, queued, running, completed, failed, cancelling, cancelled.$$;
