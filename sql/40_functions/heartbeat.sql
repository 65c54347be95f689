-- heartbeat: a running job's worker extends its lease and reports progress.
-- Depends on: 20_internals, heartbeat_jobs.sql (api.heartbeat_reply, and
-- called when it runs).

CREATE OR REPLACE FUNCTION api.heartbeat(
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
    -- One job's heartbeat is heartbeat_jobs with one beat; what this adds
    -- is an error for a job the worker does not hold.
    SELECT * INTO v_reply
    FROM api.heartbeat_jobs(
        jsonb_build_array(jsonb_build_object(
            'job_id', job_id,
            'progress', progress,
            'message', message,
            'result', result,
            'finished_items', finished_items
        )),
        worker,
        lease_seconds
    );
    IF NOT FOUND THEN
        PERFORM jobs_internal.assert_held(job_id, worker);
    END IF;
    IF worker IS NULL THEN
        PERFORM jobs_internal.see_worker(
            (SELECT j.worker FROM jobs.job AS j WHERE j.id = job_id), NULL
        );
    END IF;
    RETURN v_reply;
END;
$$;

COMMENT ON FUNCTION api.heartbeat(
    bigint, text, integer, text, jsonb, integer, jsonb
) IS
$$Report progress and extend the lease

Called by the worker holding a running job: sets progress (0-100) and message when given, merges result into the job's result (readers see it while the job runs), appends finished_items (one item or an array) to the job's list, and extends the lease by lease_seconds. cancel_requested true means a cancel was asked: the job is now cancelled and the worker should stop. 404 for an unknown job, 409 when the job is not running or is held by another worker.$$;
