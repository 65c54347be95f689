-- migrate:up
-- Retries with lineage, follow-up jobs, named locks, queue settings and
-- status counts, retention, and files attached to jobs.

-- Lineage: a retry points to the job it retries and to the root of its
-- chain. A follow-up job runs after another one; the first shows it as
-- next_job_id.
ALTER TABLE jobs.job
ADD COLUMN retry_of bigint,
ADD COLUMN root_job_id bigint,
ADD COLUMN after_job_id bigint,
ADD COLUMN next_job_id bigint,
ADD COLUMN waiting boolean NOT NULL DEFAULT FALSE,
ADD COLUMN locks text[] NOT NULL DEFAULT '{}',
ADD COLUMN finished_items jsonb NOT NULL DEFAULT '[]',
ADD CONSTRAINT job_finished_items_is_array CHECK (
    jsonb_typeof(finished_items) = 'array'
),
ADD CONSTRAINT job_not_after_itself CHECK (after_job_id <> id),
ADD CONSTRAINT job_locks_are_names CHECK (
    array_position(locks, NULL) IS NULL
    AND NOT '' = any(locks)
    AND length(array_to_string(locks, ',')) <= 1000
);

-- max_attempts left empty means: the queue's max_attempts.
ALTER TABLE jobs.job
ALTER COLUMN max_attempts DROP NOT NULL,
ALTER COLUMN max_attempts DROP DEFAULT;

-- retries(job) and the lineage totals: every job of one chain.
CREATE INDEX job_root_job_id_idx ON jobs.job (root_job_id)
WHERE root_job_id IS NOT NULL;

-- retry_failed_retries: has this failed retry been retried already?
CREATE INDEX job_retry_of_idx ON jobs.job (retry_of)
WHERE retry_of IS NOT NULL;

-- Waking or cancelling the jobs that wait for one that just finished.
CREATE INDEX job_waiting_idx ON jobs.job (after_job_id)
WHERE waiting;

-- Promotion of due scheduled jobs leaves waiting ones out.
DROP INDEX jobs.job_scheduled_run_at_idx;
CREATE INDEX job_scheduled_run_at_idx ON jobs.job (run_at)
WHERE status = 'scheduled' AND NOT waiting;

-- queue_jobs pages and prune_jobs retention: finished jobs of one queue and
-- status, newest first.
CREATE INDEX job_finished_idx ON jobs.job (queue, status, id)
WHERE status IN ('completed', 'failed', 'cancelled');

-- prune_jobs expiry.
CREATE INDEX job_expires_idx ON jobs.job (expires_at)
WHERE status IN ('completed', 'failed', 'cancelled');

ALTER TABLE jobs.queue
ADD COLUMN max_attempts integer NOT NULL DEFAULT 3,
ADD COLUMN keep_completed integer NOT NULL DEFAULT 1000,
ADD COLUMN keep_failed integer NOT NULL DEFAULT 5000,
ADD CONSTRAINT queue_max_attempts_is_positive CHECK (max_attempts >= 1),
ADD CONSTRAINT queue_keep_completed_not_negative CHECK (keep_completed >= 0),
ADD CONSTRAINT queue_keep_failed_not_negative CHECK (keep_failed >= 0);

-- Jobs per queue and status as a ledger of changes: each statement on jobs
-- appends one row per (queue, status) it changed, so concurrent claims never
-- wait on a shared counter row; readers sum the ledger, and it is folded
-- into one row per (queue, status) now and then. Every deploy rebuilds it
-- from the jobs (sql/95_queue_counts.sql).
CREATE TABLE jobs.queue_count (
    queue text NOT NULL,
    status jobs.job_status NOT NULL,
    jobs bigint NOT NULL
);

-- Named locks held by running jobs (or by scripts through acquire_lock).
CREATE TABLE jobs.job_lock (
    name text PRIMARY KEY,
    job_id bigint,
    worker text,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT job_lock_name_not_empty CHECK (name <> ''),
    CONSTRAINT job_lock_name_is_short CHECK (length(name) <= 1000)
);

-- Releasing the locks of jobs that stop running.
CREATE INDEX job_lock_job_id_idx ON jobs.job_lock (job_id);

-- Files and logs attached to a job, removed with it.
CREATE TABLE jobs.job_file (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id bigint NOT NULL,
    kind text NOT NULL DEFAULT 'file',
    name text NOT NULL,
    host text,
    path text,
    size_bytes bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT job_file_kind_is_known CHECK (kind IN ('file', 'log')),
    CONSTRAINT job_file_name_not_empty CHECK (name <> ''),
    CONSTRAINT job_file_size_not_negative CHECK (size_bytes >= 0)
);

CREATE INDEX job_file_job_id_idx ON jobs.job_file (job_id);

-- Every claim leaves a dead entry at the head of job_claim_idx until
-- VACUUM; vacuum the busy jobs table after 1% of it changed, not 20%.
ALTER TABLE jobs.job SET (
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_insert_scale_factor = 0.01,
    autovacuum_analyze_scale_factor = 0.02
);

-- migrate:down
ALTER TABLE jobs.job RESET (
    autovacuum_vacuum_scale_factor,
    autovacuum_vacuum_insert_scale_factor,
    autovacuum_analyze_scale_factor
);
DROP INDEX jobs.job_scheduled_run_at_idx;
CREATE INDEX job_scheduled_run_at_idx ON jobs.job (run_at)
WHERE status = 'scheduled';
DROP TABLE jobs.job_file;
DROP TABLE jobs.job_lock;
DROP TABLE jobs.queue_count;
ALTER TABLE jobs.queue
DROP COLUMN max_attempts,
DROP COLUMN keep_completed,
DROP COLUMN keep_failed;
UPDATE jobs.job SET max_attempts = 3
WHERE max_attempts IS NULL;
ALTER TABLE jobs.job
ALTER COLUMN max_attempts SET DEFAULT 3,
ALTER COLUMN max_attempts SET NOT NULL,
DROP COLUMN retry_of,
DROP COLUMN root_job_id,
DROP COLUMN after_job_id,
DROP COLUMN next_job_id,
DROP COLUMN waiting,
DROP COLUMN locks,
DROP COLUMN finished_items;
