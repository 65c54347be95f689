-- fail_jobs / fail_job: a worker reports failed attempts.
-- Depends on: api.jobs, 20_internals.

-- SECURITY DEFINER, with generic plans (see claim_jobs.sql): the
-- caller's queues are checked here.
CREATE OR REPLACE FUNCTION api.fail_jobs(failures jsonb, worker text DEFAULT NULL)
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
        SELECT (e ->> 'job_id')::bigint FROM jsonb_array_elements(failures) AS e
    );
    v_failures jsonb;
    v_ids bigint[];
    v_everything boolean;
    v_queues text[];
BEGIN
    SELECT s.everything, s.queues INTO v_everything, v_queues
    FROM jobs_internal.caller_scope() AS s;
    -- Each failure by its job's id, as in complete_jobs.
    SELECT jsonb_object_agg(f.job_id, to_jsonb(f)) INTO v_failures
    FROM jsonb_to_recordset(failures) AS f (
        job_id bigint, error text, stacktrace text, retry boolean
    )
    WHERE f.job_id IS NOT NULL;
    WITH failed AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled'
                WHEN coalesce((v_failures -> j.id::text ->> 'retry')::boolean, TRUE) AND j.attempts < coalesce(j.max_attempts, q.max_attempts)
                    THEN 'scheduled'
                ELSE 'failed'
            END::jobs.job_status,
            run_at = CASE
                WHEN
                    j.status = 'running'
                    AND coalesce((v_failures -> j.id::text ->> 'retry')::boolean, TRUE)
                    AND j.attempts < coalesce(j.max_attempts, q.max_attempts)
                    THEN now() + jobs_internal.backoff(
                        j.attempts, q.backoff_seconds, q.max_backoff_seconds
                    )
                ELSE j.run_at
            END,
            error = v_failures -> j.id::text ->> 'error',
            stacktrace = v_failures -> j.id::text ->> 'stacktrace',
            errors = j.errors || jobs_internal.error_entry(
                j.attempts,
                v_failures -> j.id::text ->> 'error',
                v_failures -> j.id::text ->> 'stacktrace'
            )
        FROM jobs.queue AS q
        WHERE
            j.id = ANY(v_wanted)
            AND q.name = j.queue
            -- Compared as text: on the enum, the test would let the planner
            -- read the whole of job_lease_idx (every running job, and under a
            -- long-held snapshot every job that ever ran) instead of these
            -- rows by primary key.
            AND j.status::text IN ('running', 'cancelling')
            AND (fail_jobs.worker IS NULL OR j.worker = fail_jobs.worker)
            AND (v_everything OR j.queue = ANY(v_queues))
        RETURNING j.id
    )
    SELECT array_agg(d.id) INTO v_ids FROM failed AS d;

    RETURN QUERY SELECT * FROM api.jobs AS v WHERE v.id = ANY(v_ids);
END;
$$;

COMMENT ON FUNCTION api.fail_jobs(jsonb, text) IS
$$Fail many attempts at once

failures is a JSON array of objects {job_id, error, stacktrace, retry}. Each job goes back to scheduled with exponential backoff while attempts remain (max_attempts of the job, else of its queue) and retry is not false, else to failed; every attempt's error is kept in errors. Jobs that are not running (or are held by another worker) are skipped.$$;

CREATE OR REPLACE FUNCTION api.fail_job(
    job_id bigint,
    worker text DEFAULT NULL,
    error text DEFAULT NULL,
    stacktrace text DEFAULT NULL,
    retry boolean DEFAULT TRUE
)
RETURNS api.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_job api.jobs;
BEGIN
    SELECT * INTO v_job
    FROM api.fail_jobs(
        jsonb_build_array(jsonb_build_object(
            'job_id', job_id,
            'error', error,
            'stacktrace', stacktrace,
            'retry', retry
        )),
        worker
    );
    IF NOT FOUND THEN
        PERFORM jobs_internal.assert_held(job_id, worker);
    END IF;
    RETURN v_job;
END;
$$;

COMMENT ON FUNCTION api.fail_job(bigint, text, text, text, boolean) IS
$$Fail a job's attempt

The worker holding the job reports an error. While attempts remain (and retry is true) the job is scheduled again after backoff_seconds * 2^(attempts - 1) of its queue; otherwise it fails for good. A job whose cancel was asked ends cancelled. 404 for an unknown job, 409 when it is not running or is held by another worker.$$;
