-- Row level security on job files: a file is seen, and attached, with its
-- job. The sub-select on jobs.job applies that table's policies.
-- Depends on: 50_policies/jobs.sql.

-- Admins: every file.
CREATE POLICY job_file_admin ON jobs.job_file
TO jobs_admin
USING (TRUE)
WITH CHECK (TRUE);

-- Users and workers: the files of the jobs they see; they may attach files
-- to those jobs (the grants allow no UPDATE or DELETE).
CREATE POLICY job_file_of_visible_job ON jobs.job_file
TO jobs_user, jobs_worker
USING (EXISTS (
    SELECT FROM jobs.job AS j
    WHERE j.id = job_file.job_id
))
WITH CHECK (EXISTS (
    SELECT FROM jobs.job AS j
    WHERE j.id = job_file.job_id
));

COMMENT ON POLICY job_file_admin ON jobs.job_file IS 'Admins see and change every file.';
COMMENT ON POLICY job_file_of_visible_job ON jobs.job_file IS
'Users and workers see, and attach, the files of the jobs they see.';
