-- heartbeat_jobs: a worker extends the leases of many running jobs at once;
-- heartbeat (heartbeat.sql) is this for one job, with errors for a job the
-- worker does not hold.
-- SECURITY DEFINER, with generic plans (see claim_jobs.sql): the
-- caller's queues are checked here.
-- Depends on: 20_internals.

CREATE TYPE api.heartbeat_reply AS (
    job_id bigint,
    status jobs.job_status,
    cancel_requested boolean,
    lease_expires_at timestamptz
);

COMMENT ON TYPE api.heartbeat_reply IS
'Answer to heartbeat: cancel_requested true means stop the work now.';

CREATE OR REPLACE FUNCTION api.heartbeat_jobs(
    beats jsonb,
    worker text DEFAULT NULL,
    lease_seconds integer DEFAULT 300
)
RETURNS SETOF api.heartbeat_reply
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    -- The ids first, so that the update finds its rows by primary key
    -- whatever the statistics say about running jobs.
    v_wanted bigint[] := ARRAY(
        SELECT (e ->> 'job_id')::bigint FROM jsonb_array_elements(beats) AS e
    );
    v_beats jsonb;
    v_everything boolean;
    v_queues text[];
BEGIN
    SELECT s.everything, s.queues INTO v_everything, v_queues
    FROM jobs_internal.caller_scope() AS s;
    IF lease_seconds IS NULL OR lease_seconds NOT BETWEEN 1 AND 86400 THEN
        RAISE EXCEPTION 'lease_seconds must be between 1 and 86400, not %',
            lease_seconds
            USING ERRCODE = '22023';
    END IF;
    IF worker IS NOT NULL THEN
        PERFORM jobs_internal.see_worker(worker, NULL);
    END IF;
    -- Each beat by its job's id, as in complete_jobs.
    SELECT jsonb_object_agg(b.job_id, to_jsonb(b)) INTO v_beats
    FROM jsonb_to_recordset(beats) AS b (
        job_id bigint,
        progress integer,
        message text,
        result jsonb,
        finished_items jsonb
    )
    WHERE b.job_id IS NOT NULL;
    -- As heartbeat: a cancelling job becomes cancelled here, the worker now
    -- knows.
    RETURN QUERY
    WITH beaten AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled' ELSE j.status
            END::jobs.job_status,
            progress = coalesce(
                (v_beats -> j.id::text ->> 'progress')::integer, j.progress
            ),
            message = coalesce(v_beats -> j.id::text ->> 'message', j.message),
            result = coalesce(
                coalesce(j.result, '{}') || nullif(v_beats -> j.id::text -> 'result', 'null'),
                j.result
            ),
            finished_items = CASE
                WHEN nullif(v_beats -> j.id::text -> 'finished_items', 'null') IS NULL
                    THEN j.finished_items
                WHEN jsonb_typeof(v_beats -> j.id::text -> 'finished_items') = 'array'
                    THEN j.finished_items || (v_beats -> j.id::text -> 'finished_items')
                ELSE
                    j.finished_items
                    || jsonb_build_array(v_beats -> j.id::text -> 'finished_items')
            END,
            lease_expires_at = now() + make_interval(secs => lease_seconds)
        WHERE
            j.id = ANY(v_wanted)
            -- Compared as text: on the enum, the test would let the planner
            -- read the whole of job_lease_idx (every running job, and under a
            -- long-held snapshot every job that ever ran) instead of these
            -- rows by primary key.
            AND j.status::text IN ('running', 'cancelling')
            AND (heartbeat_jobs.worker IS NULL OR j.worker = heartbeat_jobs.worker)
            AND (v_everything OR j.queue = ANY(v_queues))
        RETURNING j.id, j.status, j.status = 'cancelled' AS cancel_requested, j.lease_expires_at
    )

    SELECT b.id, b.status, b.cancel_requested, b.lease_expires_at
    FROM beaten AS b
    ORDER BY b.id;
END;
$$;

COMMENT ON FUNCTION api.heartbeat_jobs(jsonb, text, integer) IS
$$Report on many running jobs at once

beats is a JSON array of objects {job_id, progress, message, result, finished_items}, each as in heartbeat; omitted fields keep their value. Extends the lease of each job the worker holds by lease_seconds and answers one heartbeat reply per such job: cancel_requested true means a cancel was asked, the job is now cancelled and its work should stop. Jobs that are not running (or are held by another worker) are skipped: a job missing from the answer is no longer the worker's.$$;
