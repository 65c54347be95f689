-- migrate:up transaction:false
-- Jobs submitted in a time range, newest first (the dashboard's time filter,
-- GET /jobs?created_at=gte...): without it, a range that holds few jobs is
-- found by reading every job after it. Built without stopping writers.
CREATE INDEX CONCURRENTLY IF NOT EXISTS job_created_at_idx ON jobs.job (created_at);

-- migrate:down
DROP INDEX IF EXISTS jobs.job_created_at_idx;
