-- reap_expired_leases: rescue jobs whose worker stopped heartbeating.
-- SECURITY DEFINER (see claim_jobs.sql): a worker rescues the jobs of its
-- own queues, an admin every job.
-- Depends on: api.jobs, 20_internals/leases.sql.

CREATE OR REPLACE FUNCTION api.reap_expired_leases()
RETURNS SETOF api.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_ids bigint[] := jobs_internal.rescue_expired_leases((
        SELECT CASE WHEN s.everything THEN NULL ELSE s.queues END
        FROM jobs_internal.caller_scope() AS s
    ));
BEGIN
    RETURN QUERY SELECT * FROM api.jobs AS v WHERE v.id = ANY(v_ids);
END;
$$;

COMMENT ON FUNCTION api.reap_expired_leases() IS
$$Rescue jobs whose worker vanished

A running job whose lease expired goes back to queued (the attempt counts), or to failed when no attempts remain; a cancelling one becomes cancelled. A worker token rescues the jobs of its queues, an admin those of every queue; at most 1,000 per call. Maintenance (run_maintenance) does this for every queue every minute. Returns the rescued jobs.$$;
