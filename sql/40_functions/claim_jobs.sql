-- claim_jobs: hand due jobs to a worker, never one job to two workers.
-- SECURITY DEFINER, like every report of a worker: a worker changes jobs
-- through these functions only (it has no UPDATE on jobs.job), so each
-- keeps to the caller's queues itself (claimable_queues here).
-- Generic plans (plan_cache_mode), made once a session, here and in the
-- worker's reports (complete_jobs, fail_jobs, heartbeat_jobs): for a claim
-- or report of one job, PostgreSQL planned their statements on jobs.job
-- again for each call's values, 25-70 µs each (the table has 17 indexes,
-- most of them partial), 130-150 µs a call.
-- Depends on: api.jobs, 20_internals.

CREATE OR REPLACE FUNCTION api.claim_jobs(
    queues text[] DEFAULT NULL,
    worker text DEFAULT NULL,
    max_jobs integer DEFAULT 1,
    lease_seconds integer DEFAULT 300,
    wait_seconds numeric DEFAULT 0
)
RETURNS SETOF api.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_worker text := coalesce(nullif(worker, ''), jobs_internal.current_actor());
    v_queues text[] := jobs_internal.claimable_queues(queues);
    v_ids bigint[];
    v_deadline timestamptz;
    v_waiting boolean := FALSE;
BEGIN
    IF max_jobs IS NULL OR max_jobs NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'max_jobs must be between 1 and 1000, not %', max_jobs
            USING ERRCODE = '22023';
    END IF;
    IF lease_seconds IS NULL OR lease_seconds NOT BETWEEN 1 AND 86400 THEN
        RAISE EXCEPTION 'lease_seconds must be between 1 and 86400, not %',
            lease_seconds
            USING ERRCODE = '22023';
    END IF;

    IF wait_seconds IS NULL OR wait_seconds NOT BETWEEN 0 AND 30 THEN
        RAISE EXCEPTION 'wait_seconds must be between 0 and 30, not %', wait_seconds
            USING ERRCODE = '22023';
    END IF;
    v_deadline := clock_timestamp() + make_interval(secs => wait_seconds);

    -- No housekeeping here: maintenance (api.run_maintenance) rescues
    -- expired leases and queues due jobs; a due scheduled job is taken
    -- directly (pick_due_jobs.sql).
    -- A long poll (wait_seconds > 0): look again every 10 ms until a job is
    -- due or the time is up, for a worker that cannot LISTEN (over HTTP).
    -- Each statement here sees what committed since the last. Only a few
    -- claims wait at once (claim_wait_slot), so that waiting never takes all
    -- of PostgREST's connections; the others answer at once.
    -- A look that finds nothing is rolled back (a block with an exception
    -- handler is a subtransaction), and with it its locks on jobs.job: a
    -- waiting claim holds no table lock, so a deploy or an ALTER TABLE
    -- never waits for idle workers. One that finds jobs keeps its locks.
    LOOP
        IF wait_seconds = 0 THEN
            v_ids := jobs_internal.pick_due_jobs(v_queues, max_jobs);
        ELSE
            BEGIN
                v_ids := jobs_internal.pick_due_jobs(v_queues, max_jobs);
                IF v_ids = '{}' THEN
                    RAISE SQLSTATE 'JW000';
                END IF;
            EXCEPTION WHEN SQLSTATE 'JW000' THEN
                NULL;
            END;
        END IF;
        EXIT WHEN v_ids <> '{}' OR clock_timestamp() >= v_deadline;
        IF NOT v_waiting THEN
            v_waiting := jobs_internal.claim_wait_slot();
            EXIT WHEN NOT v_waiting;
        END IF;
        PERFORM pg_sleep(0.01);
    END LOOP;
    -- After the wait: the worker's row stays locked from here to the end
    -- of the claim, and a heartbeat of the same worker must not wait on it.
    PERFORM jobs_internal.see_worker(v_worker, v_queues);
    IF EXISTS (
        SELECT FROM jobs.job AS j WHERE j.id = ANY(v_ids) AND j.locks <> '{}'
    ) THEN
        v_ids := jobs_internal.take_job_locks(v_ids, v_worker);
    END IF;
    UPDATE jobs.job AS j
    SET
        status = 'running',
        worker = v_worker,
        -- From now, not from when a long poll began.
        lease_expires_at = clock_timestamp() + make_interval(secs => lease_seconds)
    WHERE j.id = ANY(v_ids);

    RETURN QUERY
    SELECT * FROM api.jobs AS v
    WHERE v.id = ANY(v_ids)
    ORDER BY v.priority DESC, v.run_at ASC, v.id ASC;
END;
$$;

COMMENT ON FUNCTION api.claim_jobs(text[], text, integer, integer, numeric) IS
$$Claim due jobs for a worker

Hands up to max_jobs (1-1000) due jobs (queued, or scheduled with run_at come) of the given queues (when null: every queue the token allows) to the worker: highest priority first, then oldest. Skips paused queues and jobs whose named locks another running job holds (the claimed job then holds them). Each job becomes running under a lease of lease_seconds; report with heartbeat, complete_job or fail_job before it ends. Two concurrent callers never get the same job. With wait_seconds (0-30) and nothing due, it waits that long for a job to come due before it answers (a long poll, for workers over HTTP, which cannot LISTEN): a job submitted meanwhile is handed out within about 10 ms. At most jobsapi.max_waiting_claims claims (default 4) wait at once, so that waiting claims never hold all of PostgREST's connections; the others answer at once. A waiting claim holds no lock on the jobs table. 403 for a queue the worker token does not allow (its queues claim).$$;
