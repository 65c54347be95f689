-- Follow-up jobs: a job submitted with after_job_id waits (scheduled,
-- waiting) until that job finishes; then it is due (queued, or scheduled
-- until its own run_at) if that job completed, or cancelled if it failed or
-- was cancelled. Cancelling cascades
-- down a chain through this same trigger. Depends on: migrations.
-- SECURITY DEFINER: the waiting job may belong to another caller.
CREATE FUNCTION jobs_internal.tg_job__release_followers()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    -- Cheap exits first: most statements finish no job, and most tables
    -- hold no waiting job. (The UPDATE below fires this trigger again for
    -- the jobs it changes; the first test ends that recursion.)
    IF NOT EXISTS (
        SELECT FROM new_rows AS n
        WHERE n.status IN ('completed', 'failed', 'cancelled')
    ) OR NOT EXISTS (SELECT FROM jobs.job AS w WHERE w.waiting) THEN
        RETURN NULL;
    END IF;
    UPDATE jobs.job AS w
    SET
        waiting = FALSE,
        status = CASE
            WHEN n.status <> 'completed' THEN 'cancelled'
            WHEN w.run_at <= now() THEN 'queued'
            ELSE 'scheduled'
        END::jobs.job_status,
        message = CASE
            WHEN n.status = 'completed' THEN w.message
            ELSE format('job %s, which this job runs after, %s', n.id, n.status)
        END
    FROM new_rows AS n
    WHERE
        w.after_job_id = n.id
        AND w.waiting
        AND n.status IN ('completed', 'failed', 'cancelled');
    RETURN NULL;
END;
$$;

CREATE TRIGGER _530_release_followers
AFTER UPDATE ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__release_followers();
