-- migrate:up
-- The times of a job are real times: 'infinity' and '-infinity' were taken,
-- and then every sum over them (queue_time, duration, queue_depth, the run
-- history of after_statement.sql) failed with "cannot subtract infinite
-- timestamps" for whoever could see the job. One statement, so the rows are
-- checked in one pass and a row that breaks a rule leaves the migration
-- undone, naming the constraint (find the row with NOT isfinite(column)).
-- The words a person reads come from jobs_internal.tg_job__check_times.

ALTER TABLE jobs.job
ADD CONSTRAINT job_run_at_is_finite CHECK (isfinite(run_at)),
ADD CONSTRAINT job_created_at_is_finite CHECK (isfinite(created_at)),
ADD CONSTRAINT job_started_at_is_finite CHECK (isfinite(started_at)),
ADD CONSTRAINT job_ended_at_is_finite CHECK (isfinite(ended_at)),
ADD CONSTRAINT job_expires_at_is_finite CHECK (isfinite(expires_at)),
ADD CONSTRAINT job_lease_expires_at_is_finite CHECK (isfinite(lease_expires_at));

-- migrate:down
ALTER TABLE jobs.job
DROP CONSTRAINT job_lease_expires_at_is_finite,
DROP CONSTRAINT job_expires_at_is_finite,
DROP CONSTRAINT job_ended_at_is_finite,
DROP CONSTRAINT job_started_at_is_finite,
DROP CONSTRAINT job_created_at_is_finite,
DROP CONSTRAINT job_run_at_is_finite;
