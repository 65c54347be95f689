-- cleanup_jobs: delete finished jobs older than a number of hours.
-- Depends on: 20_internals.

CREATE OR REPLACE FUNCTION api.cleanup_jobs(max_age_hours integer DEFAULT 24)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_jobs bigint;
    v_bytes numeric;
BEGIN
    IF max_age_hours IS NULL OR max_age_hours NOT BETWEEN 1 AND 168 THEN
        RAISE EXCEPTION 'max_age_hours must be between 1 and 168, not %', max_age_hours
            USING ERRCODE = '22023';
    END IF;
    -- Files are counted before the delete takes them with their jobs.
    WITH doomed AS (
        SELECT j.id FROM jobs.job AS j
        WHERE
            j.status IN ('completed', 'failed', 'cancelled')
            AND j.ended_at < now() - make_interval(hours => max_age_hours)
            AND NOT jobs_internal.retention_keeps(j.id, j.name, j.owner, j.status, j.started_at)
        FOR UPDATE SKIP LOCKED
    ),

    freed AS (
        SELECT coalesce(sum(f.size_bytes), 0) AS bytes
        FROM jobs.job_file AS f
        WHERE f.job_id IN (SELECT d.id FROM doomed AS d)
    ),

    gone AS (
        DELETE FROM jobs.job AS j USING doomed AS d WHERE j.id = d.id
        RETURNING j.id
    )

    SELECT (SELECT count(*) FROM gone), (SELECT fr.bytes FROM freed AS fr)
    INTO v_jobs, v_bytes;

    RETURN jsonb_build_object(
        'cleaned_jobs', v_jobs,
        'freed_space_mb', round(v_bytes / 1048576, 2),
        'message', format(
            'Deleted %s finished jobs older than %s hours', v_jobs, max_age_hours
        )
    );
END;
$$;

COMMENT ON FUNCTION api.cleanup_jobs(integer) IS
$$Delete old finished jobs

Deletes completed, failed and cancelled jobs that ended more than max_age_hours ago (1 to 168, default 24; 400 outside that range), with their events, files and locks. Never touches a job that is waiting or running, nor what retention keeps (as prune_jobs: the newest completed run and the newest job of each name, a job with unfinished retries or follow-ups). Answers {cleaned_jobs, freed_space_mb (from the recorded sizes of their files), message}.$$;
