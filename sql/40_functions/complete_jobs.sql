-- complete_jobs / complete_job: a worker reports jobs done.
-- Depends on: api.jobs, 20_internals.

-- SECURITY DEFINER, with generic plans (see claim_jobs.sql): the
-- caller's queues are checked here.
CREATE OR REPLACE FUNCTION api.complete_jobs(results jsonb, worker text DEFAULT NULL)
RETURNS SETOF api.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    -- The ids first, so that the update finds its rows by primary key
    -- whatever the statistics say about running jobs.
    v_wanted bigint[] := ARRAY(
        SELECT (e ->> 'job_id')::bigint FROM jsonb_array_elements(results) AS e
    );
    v_results jsonb;
    v_ids bigint[];
    v_everything boolean;
    v_queues text[];
BEGIN
    SELECT s.everything, s.queues INTO v_everything, v_queues
    FROM jobs_internal.caller_scope() AS s;
    -- Every result is read once, here, so that a malformed one refuses the
    -- whole batch; the update then looks each job's up by its id. Joined to
    -- the results instead, the update was planned as a nested loop that read
    -- all of them again for each job: 4,000 took 1.4 s.
    SELECT jsonb_object_agg(r.job_id, to_jsonb(r)) INTO v_results
    FROM jsonb_to_recordset(results) AS r (
        job_id bigint,
        result jsonb,
        num_success integer,
        num_error integer,
        num_ignore integer,
        message text
    )
    WHERE r.job_id IS NOT NULL;
    -- A job whose cancel was asked ends cancelled, keeping what it did.
    WITH done AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled' ELSE 'completed'
            END::jobs.job_status,
            result = coalesce(
                nullif(v_results -> j.id::text -> 'result', 'null'), j.result
            ),
            num_success = coalesce(
                (v_results -> j.id::text ->> 'num_success')::integer, j.num_success
            ),
            num_error = coalesce(
                (v_results -> j.id::text ->> 'num_error')::integer, j.num_error
            ),
            num_ignore = coalesce(
                (v_results -> j.id::text ->> 'num_ignore')::integer, j.num_ignore
            ),
            message = coalesce(v_results -> j.id::text ->> 'message', j.message)
        WHERE
            j.id = ANY(v_wanted)
            -- Compared as text: on the enum, the test would let the planner
            -- read the whole of job_lease_idx (every running job, and under a
            -- long-held snapshot every job that ever ran) instead of these
            -- rows by primary key.
            AND j.status::text IN ('running', 'cancelling')
            AND (complete_jobs.worker IS NULL OR j.worker = complete_jobs.worker)
            AND (v_everything OR j.queue = ANY(v_queues))
        RETURNING j.id
    )
    SELECT array_agg(d.id) INTO v_ids FROM done AS d;

    RETURN QUERY SELECT * FROM api.jobs AS v WHERE v.id = ANY(v_ids);
END;
$$;

COMMENT ON FUNCTION api.complete_jobs(jsonb, text) IS
$$Complete many jobs at once

results is a JSON array of objects {job_id, result, num_success, num_error, num_ignore, message}; omitted fields keep their value. Jobs that are not running (or are held by another worker) are skipped; the answer lists the jobs that were completed (or cancelled, when a cancel was asked).$$;

CREATE OR REPLACE FUNCTION api.complete_job(
    job_id bigint,
    worker text DEFAULT NULL,
    result jsonb DEFAULT NULL,
    num_success integer DEFAULT NULL,
    num_error integer DEFAULT NULL,
    num_ignore integer DEFAULT NULL,
    message text DEFAULT NULL
)
RETURNS api.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_job api.jobs;
BEGIN
    SELECT * INTO v_job
    FROM api.complete_jobs(
        jsonb_build_array(jsonb_build_object(
            'job_id', job_id,
            'result', result,
            'num_success', num_success,
            'num_error', num_error,
            'num_ignore', num_ignore,
            'message', message
        )),
        worker
    );
    IF NOT FOUND THEN
        PERFORM jobs_internal.assert_held(job_id, worker);
    END IF;
    RETURN v_job;
END;
$$;

COMMENT ON FUNCTION api.complete_job(
    bigint, text, jsonb, integer, integer, integer, text
) IS
$$Complete a job

The worker holding the job reports it done with its result and counters. A job whose cancel was asked ends cancelled. 404 for an unknown job, 409 when it is not running or is held by another worker.$$;
