-- migrate:up transaction:false
-- Jobs submitted in a time range, newest first (the dashboard's time filter,
-- GET /jobs?created_at=gte...): without it, a range that holds few jobs is
-- found by reading every job after it. A BRIN index: jobs are appended in
-- the order they are submitted, so a summary per range of pages finds them,
-- and it costs the claim path nothing measurable, where a B-tree index on
-- created_at made a claim-and-complete loop about 5% slower (every status
-- change writes a new row version into every B-tree index). Built without
-- stopping writers.
CREATE INDEX CONCURRENTLY IF NOT EXISTS job_created_at_idx ON jobs.job USING brin (created_at);

-- migrate:down
DROP INDEX IF EXISTS jobs.job_created_at_idx;
