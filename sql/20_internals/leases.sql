-- Lease rescue: a running job whose lease ran out lost its worker. It goes
-- back to queued (the attempt was counted when it was claimed), or to
-- failed when no attempts remain; a cancelling one becomes cancelled.
-- Maintenance runs this for every queue (run_maintenance.sql), a worker for
-- its own (api.reap_expired_leases). No grant: only those two call it.
-- Depends on: migrations, helpers.sql (error_entry).

-- Rescue up to 1,000 jobs of some queues (null: every queue); answer their
-- ids, oldest lease first.
CREATE OR REPLACE FUNCTION jobs_internal.rescue_expired_leases(queues text[])
RETURNS bigint[]
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
            AND (queues IS NULL OR j.queue = ANY(queues))
    ) THEN
        RETURN '{}'::bigint[];
    END IF;
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
            AND (queues IS NULL OR j.queue = ANY(queues))
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

    SELECT coalesce(array_agg(r.id), '{}') INTO v_ids FROM rescued AS r;
    RETURN v_ids;
END;
$$;
