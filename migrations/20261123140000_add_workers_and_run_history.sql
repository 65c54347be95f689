-- migrate:up
-- Workers, the history ledgers behind the analyst views, and the indexes
-- of the ETL run log.

-- A worker registers on its first claim or heartbeat.
CREATE TABLE jobs.worker (
    name text PRIMARY KEY,
    queues text[],
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    stopped_at timestamptz,
    CONSTRAINT worker_name_not_empty CHECK (name <> ''),
    CONSTRAINT worker_name_is_short CHECK (length(name) <= 200)
);

-- Finished jobs per day, queue, name, status and duration bucket, as a
-- ledger like jobs.queue_count: each statement that finishes jobs appends
-- its rows, now and then they are folded. Durations are kept as counts per
-- bucket (a quarter of a power of two wide), so percentiles are read from a
-- few hundred rows however many jobs ran. It keeps the history of jobs that
-- retention has deleted.
CREATE TABLE jobs.job_history (
    day date NOT NULL,
    queue text NOT NULL,
    name text NOT NULL,
    status jobs.job_status NOT NULL,
    bucket smallint,
    jobs bigint NOT NULL,
    duration_sum double precision,
    queue_time_sum double precision
);

-- The newest job of each name, as a ledger: the latest run of every name
-- without scanning jobs.
CREATE TABLE jobs.name_latest (
    name text NOT NULL,
    job_id bigint NOT NULL
);

-- last_success(name): the newest successful run of a name.
CREATE INDEX job_name_completed_idx ON jobs.job (name, started_at)
WHERE status = 'completed';

-- The ETL run log: runs of one name, newest first.
CREATE INDEX job_etl_name_idx ON jobs.job (name, ended_at)
WHERE type = 'etl';

-- The ETL run log asks for one name's runs of one type: the planner must
-- know that name and type go together to walk job_etl_name_idx newest first.
CREATE STATISTICS jobs.job_name_type_stats (DEPENDENCIES, MCV)
ON name, type FROM jobs.job;

-- migrate:down
DROP STATISTICS jobs.job_name_type_stats;
DROP INDEX jobs.job_etl_name_idx;
DROP INDEX jobs.job_name_completed_idx;
DROP TABLE jobs.name_latest;
DROP TABLE jobs.job_history;
DROP TABLE jobs.worker;
