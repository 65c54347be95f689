-- Scheduled jobs whose run_at has come become queued. claim_jobs calls
-- this before it looks for work, so no scheduler process is needed.
-- Depends on: migrations, transitions.sql.
CREATE FUNCTION jobs_internal.promote_due_jobs()
RETURNS integer
LANGUAGE plpgsql
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
