-- Follow-up jobs: a job submitted with after_job_id waits (scheduled, run_at
-- 'infinity') until that job finishes; then it is queued if that job
-- completed, or cancelled if it failed or was cancelled. Cancelling cascades
-- down a chain through this same trigger. Depends on: migrations.
-- SECURITY DEFINER: the waiting job may belong to another caller.
CREATE FUNCTION jobs_internal.tg_job__release_followers()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM jobs.job AS w
        WHERE w.status = 'scheduled' AND w.run_at = 'infinity'
    ) THEN
        RETURN NULL;
    END IF;
    UPDATE jobs.job AS w
    SET
        status = CASE
            WHEN n.status = 'completed' THEN 'queued' ELSE 'cancelled'
        END::jobs.job_status,
        run_at = CASE WHEN n.status = 'completed' THEN now() ELSE w.run_at END,
        message = CASE
            WHEN n.status = 'completed' THEN w.message
            ELSE format('job %s, which this job runs after, %s', n.id, n.status)
        END
    FROM new_rows AS n
    WHERE
        w.after_job_id = n.id
        AND w.status = 'scheduled'
        AND w.run_at = 'infinity'
        AND n.status IN ('completed', 'failed', 'cancelled');
    RETURN NULL;
END;
$$;

CREATE TRIGGER _530_release_followers
AFTER UPDATE ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__release_followers();
