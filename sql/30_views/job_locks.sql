-- api.job_locks: named locks held now. Depends on: migrations.

CREATE OR REPLACE VIEW api.job_locks WITH (security_invoker = TRUE) AS
SELECT
    h.name,
    h.job_id,
    h.worker,
    h.acquired_at
FROM jobs.job_lock AS h;

COMMENT ON VIEW api.job_locks IS
$$Job locks

Named locks held now: by a running job (its locks column) or by a script (acquire_lock). A job releases its locks when it stops running. DELETE clears a stale lock by hand (admin): make sure no job that holds it still runs.$$;
COMMENT ON COLUMN api.job_locks.name IS 'Lock name, e.g. flow:42 or devices.';
COMMENT ON COLUMN api.job_locks.job_id IS 'The job holding it (null for a script''s lock without a job).';
COMMENT ON COLUMN api.job_locks.worker IS 'Worker or caller that took it.';
COMMENT ON COLUMN api.job_locks.acquired_at IS 'Held since.';
