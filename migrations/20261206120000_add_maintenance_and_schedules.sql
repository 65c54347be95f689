-- migrate:up
-- Running unattended: the state of the maintenance run, ledgers that fold
-- only what was added since the last fold, recurring schedules and the
-- jobs they fire, and the indexes that retention's safeguards read.

-- One row: when maintenance (api.run_maintenance) last ran and what it did,
-- and how long the run history is kept.
CREATE TABLE jobs.maintenance (
    singleton boolean PRIMARY KEY DEFAULT TRUE,
    history_days integer NOT NULL DEFAULT 400,
    started_at timestamptz,
    finished_at timestamptz,
    result jsonb,
    runs bigint NOT NULL DEFAULT 0,
    CONSTRAINT maintenance_is_one_row CHECK (singleton),
    CONSTRAINT maintenance_history_days_in_range CHECK (
        history_days BETWEEN 1 AND 36500
    )
);

INSERT INTO jobs.maintenance DEFAULT VALUES;

-- The ledgers (counts, run history, newest job per name) keep one folded
-- row per key, which holds the total; every statement appends unfolded
-- rows; maintenance adds the unfolded rows into the folded ones and deletes
-- them, so a fold costs what was appended since the last, not the whole
-- ledger.
ALTER TABLE jobs.queue_count ADD COLUMN folded boolean NOT NULL DEFAULT FALSE;
ALTER TABLE jobs.job_history ADD COLUMN folded boolean NOT NULL DEFAULT FALSE;
ALTER TABLE jobs.name_latest ADD COLUMN folded boolean NOT NULL DEFAULT FALSE;

CREATE UNIQUE INDEX queue_count_folded_key
ON jobs.queue_count (queue, owner, status) NULLS NOT DISTINCT
WHERE folded;

CREATE UNIQUE INDEX job_history_folded_key
ON jobs.job_history (day, queue, owner, name, status, bucket) NULLS NOT DISTINCT
WHERE folded;

CREATE UNIQUE INDEX name_latest_folded_key
ON jobs.name_latest (name, owner, queue) NULLS NOT DISTINCT
WHERE folded;

-- Deleting a job removes it from the newest-per-name ledger; retention keeps
-- the newest job that ledger names per key.
CREATE INDEX name_latest_job_id_idx ON jobs.name_latest (job_id);
CREATE INDEX name_latest_key_idx ON jobs.name_latest (name, queue, job_id);

-- A job's follow-ups, finished or not: a job is not deleted while one of
-- them still has to run.
CREATE INDEX job_after_job_id_idx ON jobs.job (after_job_id)
WHERE after_job_id IS NOT NULL;

-- The next due scheduled job of some queues: when a worker's timer is set.
CREATE INDEX job_scheduled_queue_run_at_idx ON jobs.job (queue, run_at)
WHERE status = 'scheduled' AND NOT waiting;

-- Recurring schedules: each fire time of the cron expression, read as wall
-- clock time in time_zone, enqueues one job from the template.
CREATE TABLE jobs.schedule (
    name text PRIMARY KEY,
    cron text NOT NULL,
    time_zone text NOT NULL DEFAULT 'UTC',
    queue text NOT NULL DEFAULT 'default',
    job_name text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    priority smallint NOT NULL DEFAULT 2,
    meta jsonb NOT NULL DEFAULT '{}',
    locks text[] NOT NULL DEFAULT '{}',
    max_attempts integer,
    enabled boolean NOT NULL DEFAULT TRUE,
    on_missed text NOT NULL DEFAULT 'run_once',
    last_fire_at timestamptz,
    next_fire_at timestamptz,
    last_error text,
    owner text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT schedule_name_not_empty CHECK (name <> ''),
    CONSTRAINT schedule_name_is_short CHECK (length(name) <= 200),
    CONSTRAINT schedule_queue_not_empty CHECK (queue <> ''),
    CONSTRAINT schedule_queue_is_short CHECK (length(queue) <= 200),
    CONSTRAINT schedule_job_name_not_empty CHECK (job_name <> ''),
    CONSTRAINT schedule_job_name_is_short CHECK (length(job_name) <= 1000),
    CONSTRAINT schedule_priority_in_range CHECK (priority BETWEEN 1 AND 4),
    CONSTRAINT schedule_max_attempts_is_positive CHECK (max_attempts >= 1),
    CONSTRAINT schedule_on_missed_is_known CHECK (
        on_missed IN ('run_once', 'skip')
    ),
    CONSTRAINT schedule_locks_are_names CHECK (
        array_position(locks, NULL) IS NULL
        AND NOT '' = any(locks)
        AND length(array_to_string(locks, ',')) <= 1000
    )
);

-- Maintenance looks for the enabled schedules that are due.
CREATE INDEX schedule_next_fire_at_idx ON jobs.schedule (next_fire_at)
WHERE enabled;

-- A job fired by a schedule names it and the fire time it is for. One job
-- per fire time, however many callers race to fire it (retries of that job
-- carry the same names and are not counted).
ALTER TABLE jobs.job
ADD COLUMN schedule_name text,
ADD COLUMN fire_at timestamptz;

CREATE UNIQUE INDEX job_schedule_fire_key ON jobs.job (schedule_name, fire_at)
WHERE schedule_name IS NOT NULL AND retry_of IS NULL;

-- migrate:down
DROP INDEX jobs.job_schedule_fire_key;
ALTER TABLE jobs.job
DROP COLUMN fire_at,
DROP COLUMN schedule_name;
DROP TABLE jobs.schedule;
DROP INDEX jobs.job_scheduled_queue_run_at_idx;
DROP INDEX jobs.job_after_job_id_idx;
DROP INDEX jobs.name_latest_key_idx;
DROP INDEX jobs.name_latest_job_id_idx;
DROP INDEX jobs.name_latest_folded_key;
DROP INDEX jobs.job_history_folded_key;
DROP INDEX jobs.queue_count_folded_key;
ALTER TABLE jobs.name_latest DROP COLUMN folded;
ALTER TABLE jobs.job_history DROP COLUMN folded;
ALTER TABLE jobs.queue_count DROP COLUMN folded;
DROP TABLE jobs.maintenance;
