-- Row level security on jobs: each api role sees and changes only the jobs
-- of its scope (20_internals/callers.sql). A job outside it does not exist
-- for the caller: reads leave it out, and a function that names it answers
-- 404, as for an id never used. Each scope is read once per statement
-- (the sub-selects), and the user's test is a plain owner = value, so the
-- planner can use job_owner_idx.
-- Depends on: 20_internals/callers.sql.

-- Admins: every job.
CREATE POLICY job_admin ON jobs.job
TO jobs_admin
USING (TRUE)
WITH CHECK (TRUE);

-- Users: their own jobs; a job they submit or change stays theirs.
CREATE POLICY job_owner ON jobs.job
TO jobs_user
USING (owner = (SELECT s.owner FROM jobs_internal.caller_scope() AS s))
WITH CHECK (owner = (SELECT s.owner FROM jobs_internal.caller_scope() AS s));

-- Workers: read the jobs of the queues their token allows. They change
-- jobs only through the claim and report functions, which keep to the same
-- queues (40_functions/claim_jobs.sql).
CREATE POLICY job_worker ON jobs.job
FOR SELECT
TO jobs_worker
USING (
    (SELECT s.queues FROM jobs_internal.caller_scope() AS s) @> ARRAY[queue]
    OR (SELECT s.everything FROM jobs_internal.caller_scope() AS s)
);

COMMENT ON POLICY job_admin ON jobs.job IS 'Admins see and change every job.';
COMMENT ON POLICY job_owner ON jobs.job IS
'Users see and change only their own jobs (owner = the token''s sub).';
COMMENT ON POLICY job_worker ON jobs.job IS
'Workers see the jobs of the queues in their token''s queues claim (or their login''s worker_logins row).';
