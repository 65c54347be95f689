-- cancel_job: stop a job that has not finished.
-- Depends on: api.jobs, 20_internals.

-- SECURITY DEFINER, after the caller's scope is checked: a user changes
-- the status of its jobs through this function only, never in the table.
CREATE OR REPLACE FUNCTION api.cancel_job(job_id bigint)
RETURNS api.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_status jobs.job_status := (jobs_internal.get_job_in_scope(job_id)).status;
    v_job api.jobs;
BEGIN
    IF jobs_internal.is_finished(v_status) THEN
        RAISE EXCEPTION 'job % has already finished: it is %', job_id, v_status
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s status=%s', job_id, v_status);
    END IF;
    -- A running job is told through its next heartbeat or report.
    UPDATE jobs.job AS j
    SET status = CASE
        WHEN j.status IN ('running', 'cancelling') THEN 'cancelling'
        ELSE 'cancelled'
    END::jobs.job_status
    WHERE j.id = job_id;

    SELECT * INTO v_job FROM api.jobs AS v WHERE v.id = job_id;
    RETURN v_job;
END;
$$;

COMMENT ON FUNCTION api.cancel_job(bigint) IS
$$Cancel a job

A scheduled or queued job becomes cancelled at once. A running job becomes cancelling; its worker learns it at its next heartbeat or report, and the job then becomes cancelled. 404 for an unknown job, 409 for a job that already finished (cancelled included). Cancelling a cancelling job changes nothing.$$;
