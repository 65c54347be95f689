-- retry_job and retry_failed_retries: manual retries with lineage.
-- Depends on: api.jobs, 20_internals.

-- SECURITY DEFINER, after the caller's scope is checked: a user sets the
-- lineage of a job (retry_of, root_job_id) through this function only.
CREATE OR REPLACE FUNCTION api.retry_job(job_id bigint)
RETURNS api.jobs
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_job jobs.job := jobs_internal.get_job_in_scope(job_id);
    v_new bigint;
    v_row api.jobs;
BEGIN
    -- One retry at a time per job: concurrent callers wait here.
    SELECT * INTO v_job FROM jobs.job AS j WHERE j.id = job_id FOR UPDATE;
    IF NOT jobs_internal.is_retriable(v_job.status, v_job.num_error) THEN
        RAISE EXCEPTION 'job % is % without errors: only a failed job, or a completed one with errors, can be retried',
            job_id, v_job.status
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s status=%s num_error=%s',
                    job_id, v_job.status, v_job.num_error);
    END IF;
    -- The retry belongs to the owner of what it retries, and counts among
    -- the runs of its schedule, for the same fire time.
    INSERT INTO jobs.job (
        queue, name, type, priority, payload, meta, locks, max_attempts,
        owner, retry_of, root_job_id, schedule_name, fire_at
    ) VALUES (
        v_job.queue, v_job.name, 'retry', v_job.priority, v_job.payload,
        v_job.meta, v_job.locks, v_job.max_attempts, v_job.owner, v_job.id,
        coalesce(v_job.root_job_id, v_job.id), v_job.schedule_name, v_job.fire_at
    )
    RETURNING id INTO v_new;
    SELECT * INTO v_row FROM api.jobs AS v WHERE v.id = v_new;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.retry_job(bigint) IS
$$Retry a job

Submits a new job of type retry with the same queue, name, payload and meta, linked by retry_of to this job and by root_job_id to the original; this job is left as it is. Only a failed job, or a completed one with errors, can be retried (409 otherwise). Retrying a retry is the same call. The results of retries count toward the original (the totals field).$$;

CREATE OR REPLACE FUNCTION api.retry_failed_retries(job_id bigint)
RETURNS SETOF api.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_root bigint;
    v_failed bigint;
BEGIN
    SELECT coalesce(j.root_job_id, j.id) INTO v_root
    FROM jobs.job AS j WHERE j.id = retry_failed_retries.job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % does not exist', job_id USING ERRCODE = 'PT404';
    END IF;
    -- Failed retries that nobody retried yet, locked so that two callers
    -- cannot retry the same one twice.
    FOR v_failed IN
        SELECT r.id FROM jobs.job AS r
        WHERE
            r.root_job_id = v_root
            AND r.status = 'failed'
            AND NOT EXISTS (SELECT FROM jobs.job AS n WHERE n.retry_of = r.id)
        ORDER BY r.id
        FOR UPDATE
    LOOP
        -- The lock was waited for: skip a retry that meanwhile got retried.
        CONTINUE WHEN EXISTS (
            SELECT FROM jobs.job AS n WHERE n.retry_of = v_failed
        );
        RETURN NEXT api.retry_job(v_failed);
    END LOOP;
END;
$$;

COMMENT ON FUNCTION api.retry_failed_retries(bigint) IS
$$Retry every failed retry of a job

For the chain of job_id (the original or any of its retries), retries each failed retry that has not been retried yet, once each, in one transaction. Returns the new jobs.$$;
