-- heartbeat: a running job's worker extends its lease and reports progress.
-- Depends on: 20_internals.

CREATE TYPE api.heartbeat_reply AS (
    job_id bigint,
    status jobs.job_status,
    cancel_requested boolean,
    lease_expires_at timestamptz
);

COMMENT ON TYPE api.heartbeat_reply IS
'Answer to heartbeat: cancel_requested true means stop the work now.';

CREATE FUNCTION api.heartbeat(
    job_id bigint,
    worker text DEFAULT NULL,
    progress integer DEFAULT NULL,
    message text DEFAULT NULL,
    result jsonb DEFAULT NULL,
    lease_seconds integer DEFAULT 300,
    finished_items jsonb DEFAULT NULL
)
RETURNS api.heartbeat_reply
LANGUAGE plpgsql
AS $$
DECLARE
    v_reply api.heartbeat_reply;
BEGIN
    IF lease_seconds IS NULL OR lease_seconds NOT BETWEEN 1 AND 86400 THEN
        RAISE EXCEPTION 'lease_seconds must be between 1 and 86400, not %',
            lease_seconds
            USING ERRCODE = '22023';
    END IF;
    -- A cancelling job becomes cancelled here: the worker now knows.
    UPDATE jobs.job AS j
    SET
        status = CASE
            WHEN j.status = 'cancelling' THEN 'cancelled' ELSE j.status
        END::jobs.job_status,
        progress = coalesce(heartbeat.progress, j.progress),
        message = coalesce(heartbeat.message, j.message),
        result = CASE
            WHEN heartbeat.result IS NULL THEN j.result
            ELSE coalesce(j.result, '{}') || heartbeat.result
        END,
        finished_items = CASE
            WHEN heartbeat.finished_items IS NULL THEN j.finished_items
            WHEN jsonb_typeof(heartbeat.finished_items) = 'array'
                THEN j.finished_items || heartbeat.finished_items
            ELSE j.finished_items || jsonb_build_array(heartbeat.finished_items)
        END,
        lease_expires_at = now() + make_interval(secs => lease_seconds)
    WHERE
        j.id = heartbeat.job_id
        AND j.status IN ('running', 'cancelling')
        AND (heartbeat.worker IS NULL OR j.worker = heartbeat.worker)
    RETURNING j.id, j.status, j.status = 'cancelled', j.lease_expires_at
    INTO v_reply;
    IF NOT FOUND THEN
        PERFORM jobs_internal.assert_held(job_id, worker);
    END IF;
    PERFORM jobs_internal.see_worker(
        coalesce(worker, (SELECT j.worker FROM jobs.job AS j WHERE j.id = job_id)), NULL
    );
    RETURN v_reply;
END;
$$;

COMMENT ON FUNCTION api.heartbeat(
    bigint, text, integer, text, jsonb, integer, jsonb
) IS
$$Report progress and extend the lease

Called by the worker holding a running job: sets progress (0-100) and message when given, merges result into the job's result (readers see it while the job runs), appends finished_items (one item or an array) to the job's list, and extends the lease by lease_seconds. cancel_requested true means a cancel was asked: the job is now cancelled and the worker should stop. 404 for an unknown job, 409 when the job is not running or is held by another worker.$$;
