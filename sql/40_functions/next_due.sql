-- next_due: when a worker's timer should wake it. Depends on: 20_internals.
CREATE OR REPLACE FUNCTION api.next_due(queues text[] DEFAULT NULL)
RETURNS double precision
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_queues text[] := jobs_internal.claimable_queues(queues);
BEGIN
    RETURN jobs_internal.seconds_to_next_due(v_queues);
END;
$$;

COMMENT ON FUNCTION api.next_due(text[]) IS
$$Seconds until the next scheduled job is due

Of the given queues (when null: every queue the token allows): seconds until the earliest scheduled job that is not yet due becomes due (a future run_at: scheduled jobs, retries after their backoff), or null when there is none. A worker sleeps that long, then claims: claim_jobs takes a scheduled job the moment it is due. 403 for a queue the worker token does not allow.$$;
