-- Row level security on named locks. Lock names are one namespace for
-- everybody, so a taken name blocks every caller; but a caller sees only
-- the locks it took (worker = its sub) and those of the jobs it sees.
-- acquire_lock and release_lock say that a name is taken without saying by
-- whom (jobs_internal.lock_is_taken).
-- Depends on: 50_policies/jobs.sql.

-- Admins: every lock, and may clear any.
CREATE POLICY job_lock_admin ON jobs.job_lock
TO jobs_admin
USING (TRUE)
WITH CHECK (TRUE);

-- Users and workers: see the locks they took, and those of the jobs they
-- see (claim_jobs takes a job's locks in the name of the claiming worker).
-- They take and release locks through acquire_lock and release_lock only.
CREATE POLICY job_lock_own_or_visible_job ON jobs.job_lock
FOR SELECT
TO jobs_user, jobs_worker
USING (
    worker = (SELECT jobs_internal.current_actor())
    OR EXISTS (
        SELECT FROM jobs.job AS j
        WHERE j.id = job_lock.job_id
    )
);

COMMENT ON POLICY job_lock_admin ON jobs.job_lock IS 'Admins see and clear every lock.';
COMMENT ON POLICY job_lock_own_or_visible_job ON jobs.job_lock IS
'Users and workers see the locks they took and those of the jobs they see.';
