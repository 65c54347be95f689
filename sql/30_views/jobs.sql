-- api.jobs: one row per job. A simple view over jobs.job, so PostgREST can
-- insert, update and delete through it. Derived values are computed fields
-- (functions of api.jobs in 40_functions/job_fields.sql), so a body that
-- names one gets a 400 instead of an error from the view.
-- Depends on: migrations, 20_internals.

CREATE OR REPLACE VIEW api.jobs WITH (security_invoker = TRUE) AS
SELECT
    j.id,
    j.queue,
    j.name,
    j.type,
    j.status,
    j.priority,
    j.payload,
    j.meta,
    j.run_at,
    j.created_at,
    j.started_at,
    j.ended_at,
    j.expires_at,
    j.attempts,
    j.max_attempts,
    j.progress,
    j.message,
    j.result,
    j.error,
    j.stacktrace,
    j.errors,
    j.num_success,
    j.num_error,
    j.num_ignore,
    j.owner,
    j.worker,
    j.lease_expires_at,
    j.locks,
    j.finished_items,
    j.retry_of,
    j.root_job_id,
    j.after_job_id,
    j.next_job_id,
    j.waiting,
    j.schedule_name,
    j.fire_at
FROM jobs.job AS j;

-- The table's defaults (see jobs_internal.copy_defaults); the owner is the
-- caller.
SELECT jobs_internal.copy_defaults('api.jobs', 'jobs.job');
ALTER VIEW api.jobs ALTER COLUMN owner SET DEFAULT jobs_internal.current_actor();

COMMENT ON VIEW api.jobs IS
$$Jobs

One row per job. POST submits one job or an array of up to 10,000 jobs (one transaction; more: 413); a run_at in the future makes a job scheduled. PATCH changes the fields a caller may change; a status change obeys the transition rules (409 otherwise). DELETE removes finished jobs only (409 otherwise, and while a retry or follow-up of the job has not finished), with their events, files and locks; the retries of a deleted job then point past it.$$;
COMMENT ON COLUMN api.jobs.id IS 'Job id, assigned by the database.';
COMMENT ON COLUMN api.jobs.queue IS 'Queue the job waits in (default: default). A queue exists once a job names it.';
COMMENT ON COLUMN api.jobs.name IS 'What the job does, e.g. the function or ETL name. Not empty.';
COMMENT ON COLUMN api.jobs.type IS 'Kind of job: export, import, flow, retry, etl or any label (default: job).';
COMMENT ON COLUMN api.jobs.status IS 'scheduled, queued, running, completed, failed, cancelling or cancelled.';
COMMENT ON COLUMN api.jobs.priority IS '1 low, 2 normal (default), 3 high, 4 urgent. Higher priorities are claimed first.';
COMMENT ON COLUMN api.jobs.payload IS 'Input for the worker (any JSON, nested at most 64 deep: 400; at most the queue''s max_payload_bytes, 1 MB by default: 413).';
COMMENT ON COLUMN api.jobs.meta IS 'Free-form labels: integration, flow, export and import ids, comment, ticket reference (nested at most 64 deep, at most the queue''s max_payload_bytes).';
COMMENT ON COLUMN api.jobs.run_at IS 'Earliest time the job may run (default: now).';
COMMENT ON COLUMN api.jobs.created_at IS 'When the job was submitted.';
COMMENT ON COLUMN api.jobs.started_at IS 'When the current or last attempt started.';
COMMENT ON COLUMN api.jobs.ended_at IS 'When the job finished (completed, failed or cancelled).';
COMMENT ON COLUMN api.jobs.expires_at IS 'When the finished job may be pruned (default: 30 days after submission).';
COMMENT ON COLUMN api.jobs.attempts IS 'Attempts started so far.';
COMMENT ON COLUMN api.jobs.max_attempts IS 'Attempts allowed before the job fails for good; null means the max_attempts of its queue (default 3).';
COMMENT ON COLUMN api.jobs.progress IS 'Percent done, 0 to 100, reported by the worker.';
COMMENT ON COLUMN api.jobs.message IS 'Latest human-readable message from the worker (at most 10,000 characters: 413).';
COMMENT ON COLUMN api.jobs.result IS 'Result returned by the worker (any JSON, nested at most 64 deep, at most the queue''s max_payload_bytes).';
COMMENT ON COLUMN api.jobs.error IS 'Error of the latest failed attempt (at most 10,000 characters).';
COMMENT ON COLUMN api.jobs.stacktrace IS 'Stack trace of the latest failed attempt (at most 100,000 characters).';
COMMENT ON COLUMN api.jobs.errors IS 'Every failed attempt: attempt, at, error, stacktrace.';
COMMENT ON COLUMN api.jobs.num_success IS 'Records processed successfully.';
COMMENT ON COLUMN api.jobs.num_error IS 'Records that failed; a completed job with errors is retriable.';
COMMENT ON COLUMN api.jobs.num_ignore IS 'Records ignored.';
COMMENT ON COLUMN api.jobs.owner IS 'Who submitted the job.';
COMMENT ON COLUMN api.jobs.worker IS 'Worker that holds or last held the job.';
COMMENT ON COLUMN api.jobs.lease_expires_at IS 'A running job whose lease passes without a heartbeat is rescued by reap_expired_leases.';
COMMENT ON COLUMN api.jobs.locks IS 'Lock names this job holds while it runs: claim_jobs starts it only when no running job holds any of them (e.g. flow:42 for one running job per flow).';
COMMENT ON COLUMN api.jobs.finished_items IS 'Items finished so far, appended by heartbeat while the job runs.';
COMMENT ON COLUMN api.jobs.retry_of IS 'The job this one retries (type retry).';
COMMENT ON COLUMN api.jobs.root_job_id IS 'The original job of a chain of retries.';
COMMENT ON COLUMN api.jobs.after_job_id IS 'Run only after this job completes; cancelled if it fails or is cancelled.';
COMMENT ON COLUMN api.jobs.next_job_id IS 'The first job submitted to run after this one.';
COMMENT ON COLUMN api.jobs.waiting IS 'True while the job waits for after_job_id to finish.';
COMMENT ON COLUMN api.jobs.schedule_name IS 'The recurring schedule that enqueued this job (see schedules), else null.';
COMMENT ON COLUMN api.jobs.fire_at IS 'The fire time of its schedule this job is for (one job per fire time), else null.';
