-- How deep a queue is now, from index probes, among the jobs in the
-- caller's scope (callers.sql): the due scheduled jobs (a claim takes
-- them, maintenance queues them) and the run_at of the oldest job that
-- waits. SECURITY DEFINER, keeping to the scope itself, as the ledger
-- readers do: under row level security, PostgreSQL may not use a status
-- test (enum equality is not leakproof) as an index condition, and the same
-- probes became scans of every job (about 300 ms at 1,000,000 jobs).
-- api.queue_depth and api.metrics read it.
-- Depends on: 20_internals/callers.sql.

CREATE OR REPLACE FUNCTION jobs_internal.queue_depth(queue text)
RETURNS TABLE (due_scheduled bigint, oldest_run_at timestamptz)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_scope record;
BEGIN
    SELECT s.* INTO v_scope FROM jobs_internal.caller_scope() AS s;
    IF v_scope.everything OR v_scope.queues @> ARRAY[$1] THEN
        RETURN QUERY
        SELECT d.due, least(d.oldest, o.oldest)
        FROM (
            SELECT count(*) AS due, min(s.run_at) AS oldest
            FROM jobs.job AS s
            WHERE
                s.status = 'scheduled' AND NOT s.waiting
                AND s.run_at <= now() AND s.queue = $1
        ) AS d
        CROSS JOIN (
            -- One probe of job_claim_idx per priority: the oldest queued job.
            SELECT min(p.run_at) AS oldest
            FROM generate_series(1, 4) AS g (priority)
            CROSS JOIN LATERAL (
                SELECT j.run_at FROM jobs.job AS j
                WHERE j.status = 'queued' AND j.queue = $1 AND j.priority = g.priority
                ORDER BY j.run_at
                LIMIT 1
            ) AS p
        ) AS o;
    ELSIF v_scope.owner IS NOT NULL THEN
        -- A user's own jobs (job_owner_idx).
        RETURN QUERY
        SELECT
            count(*) FILTER (WHERE j.status = 'scheduled'),
            min(j.run_at)
        FROM jobs.job AS j
        WHERE
            j.queue = $1
            AND j.owner = v_scope.owner
            AND (
                j.status = 'queued'
                OR (j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= now())
            );
    ELSE
        RETURN QUERY SELECT 0::bigint, NULL::timestamptz;
    END IF;
END;
$$;
