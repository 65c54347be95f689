-- Scheduled jobs whose run_at has come become queued, so that counts and
-- pollers see them. Maintenance calls this (api.run_maintenance); a claim
-- does not need it, as it takes due scheduled jobs directly
-- (pick_due_jobs.sql). SECURITY DEFINER: it is housekeeping for every
-- queue, whoever runs it, and answers only a count. Run as the caller, row level security
-- would also hide the statistics of status from the planner (the enum
-- comparison is not leakproof), which then scans the table for the probe.
-- Depends on: migrations, transitions.sql.
CREATE OR REPLACE FUNCTION jobs_internal.promote_due_jobs()
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

-- Seconds until the earliest scheduled job of these queues (null: every
-- queue) becomes due, or null; jobs already due are left out (a claim takes
-- them, or they wait for a lock or a paused queue, which notify when they
-- free it). For api.next_due. SECURITY DEFINER, after the caller's queues
-- were checked: an index probe per queue (job_scheduled_queue_run_at_idx),
-- whatever row level security would add.
CREATE OR REPLACE FUNCTION jobs_internal.seconds_to_next_due(queues text[])
RETURNS double precision
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT extract(EPOCH FROM min(d.run_at) - now())::double precision
    FROM (
        SELECT (
            SELECT j.run_at FROM jobs.job AS j
            WHERE
                j.status = 'scheduled' AND NOT j.waiting AND j.run_at > now()
                AND j.queue = q.name
            ORDER BY j.run_at
            LIMIT 1
        ) AS run_at
        FROM unnest($1) AS q (name)
        UNION ALL
        SELECT min(j.run_at) AS run_at
        FROM jobs.job AS j
        WHERE
            $1 IS NULL
            AND j.status = 'scheduled' AND NOT j.waiting AND j.run_at > now()
    ) AS d;
END;
