-- reap_expired_leases: rescue jobs whose worker stopped heartbeating.
-- Depends on: api.jobs, 20_internals.

CREATE FUNCTION api.reap_expired_leases()
RETURNS SETOF api.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_ids bigint[];
BEGIN
    -- An UPDATE of no rows still fires the statement triggers: look first.
    IF NOT EXISTS (
        SELECT FROM jobs.job AS j
        WHERE
            j.status IN ('running', 'cancelling')
            AND j.lease_expires_at < now()
    ) THEN
        RETURN;
    END IF;
    -- The attempt was counted when the job was claimed.
    WITH expired AS (
        SELECT
            j.id,
            coalesce(j.max_attempts, q.max_attempts) AS max_attempts,
            format('lease expired: worker %s stopped heartbeating', j.worker)
                AS error
        FROM jobs.job AS j
        INNER JOIN jobs.queue AS q ON j.queue = q.name
        WHERE
            j.status IN ('running', 'cancelling')
            AND j.lease_expires_at < now()
        ORDER BY j.lease_expires_at
        LIMIT 1000
        FOR UPDATE OF j SKIP LOCKED
    ),

    rescued AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled'
                WHEN j.attempts < e.max_attempts THEN 'queued'
                ELSE 'failed'
            END::jobs.job_status,
            error = e.error,
            errors = j.errors || jobs_internal.error_entry(j.attempts, e.error, NULL)
        FROM expired AS e
        WHERE j.id = e.id
        RETURNING j.id
    )

    SELECT array_agg(r.id) INTO v_ids FROM rescued AS r;

    RETURN QUERY SELECT * FROM api.jobs AS v WHERE v.id = ANY(v_ids);
END;
$$;

COMMENT ON FUNCTION api.reap_expired_leases() IS
$$Rescue jobs whose worker vanished

A running job whose lease expired goes back to queued (the attempt counts), or to failed when no attempts remain; a cancelling one becomes cancelled. Maintenance (run_maintenance) runs this for every queue every minute. Returns the rescued jobs.$$;
