-- Scheduled jobs whose run_at has come become queued. claim_jobs calls
-- this before it looks for work, so no scheduler process is needed.
-- SECURITY DEFINER: it is housekeeping for every queue, whoever claims
-- first, and answers only a count. Run as the caller, row level security
-- would also hide the statistics of status from the planner (the enum
-- comparison is not leakproof), which then scans the table for the probe.
-- Depends on: migrations, transitions.sql.
CREATE FUNCTION jobs_internal.promote_due_jobs()
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_count integer;
BEGIN
    -- An UPDATE of no rows still fires the statement triggers: look first.
    IF NOT EXISTS (
        SELECT FROM jobs.job AS j
        WHERE j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= now()
    ) THEN
        RETURN 0;
    END IF;
    WITH due AS (
        SELECT j.id
        FROM jobs.job AS j
        WHERE j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= now()
        ORDER BY j.run_at
        LIMIT 1000
        FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs.job AS j
    SET status = 'queued'
    FROM due AS d
    WHERE j.id = d.id;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;
