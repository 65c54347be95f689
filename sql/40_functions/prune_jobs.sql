-- prune_jobs: retention (keep the newest N finished jobs per queue) and
-- expiry, in bounded batches, never deleting what retention.sql keeps.
-- Maintenance calls it. Depends on: 20_internals.

CREATE OR REPLACE FUNCTION api.prune_jobs(batch_size integer DEFAULT 10000)
RETURNS TABLE (queue text, reason text, deleted bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    v_queue jobs.queue;
    v_left integer := batch_size;
    v_count bigint;
    v_status jobs.job_status;
    v_keep integer;
BEGIN
    IF batch_size IS NULL OR batch_size NOT BETWEEN 1 AND 1000000 THEN
        RAISE EXCEPTION 'batch_size must be between 1 and 1000000, not %',
            batch_size
            USING ERRCODE = '22023';
    END IF;

    -- Expired finished jobs, oldest first.
    WITH doomed AS (
        SELECT j.id FROM jobs.job AS j
        WHERE
            j.status IN ('completed', 'failed', 'cancelled')
            AND j.expires_at < now()
            AND NOT jobs_internal.retention_keeps(j.id, j.name, j.owner, j.status, j.started_at)
        ORDER BY j.expires_at
        LIMIT v_left
        FOR UPDATE SKIP LOCKED
    ),

    gone AS (
        DELETE FROM jobs.job AS j USING doomed AS d WHERE j.id = d.id
        RETURNING j.queue
    )

    SELECT count(*) INTO v_count FROM gone;
    v_left := v_left - v_count;
    IF v_count > 0 THEN
        RETURN QUERY SELECT NULL::text, 'expired', v_count;
    END IF;

    -- Beyond each queue's keep_completed / keep_failed, oldest first.
    FOR v_queue IN SELECT * FROM jobs.queue AS q ORDER BY q.name LOOP
        EXIT WHEN v_left <= 0;
        FOREACH v_status IN ARRAY ARRAY['completed', 'failed']::jobs.job_status[] LOOP
            EXIT WHEN v_left <= 0;
            v_keep := CASE v_status
                WHEN 'completed' THEN v_queue.keep_completed
                ELSE v_queue.keep_failed
            END;
            WITH doomed AS (
                SELECT j.id FROM jobs.job AS j
                WHERE
                    j.queue = v_queue.name AND j.status = v_status
                    -- Lets a generic plan use the partial job_finished_idx.
                    AND j.status IN ('completed', 'failed', 'cancelled')
                    AND j.id <= (
                        SELECT k.id FROM jobs.job AS k
                        WHERE
                            k.queue = v_queue.name AND k.status = v_status
                            AND k.status IN ('completed', 'failed', 'cancelled')
                        ORDER BY k.id DESC
                        OFFSET v_keep LIMIT 1
                    )
                    AND NOT jobs_internal.retention_keeps(
                        j.id, j.name, j.owner, j.status, j.started_at
                    )
                -- The order of job_finished_idx: this queue's rows only.
                ORDER BY j.queue, j.status, j.id
                LIMIT v_left
                FOR UPDATE SKIP LOCKED
            ),

            gone AS (
                DELETE FROM jobs.job AS j USING doomed AS d WHERE j.id = d.id
                RETURNING j.id
            )

            SELECT count(*) INTO v_count FROM gone;
            v_left := v_left - v_count;
            IF v_count > 0 THEN
                RETURN QUERY SELECT v_queue.name, 'keep_' || v_status, v_count;
            END IF;
        END LOOP;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION api.prune_jobs(integer) IS
$$Apply retention and expiry

Deletes, at most batch_size jobs per call (default 10000): finished jobs past their expires_at, then in each queue the finished jobs beyond its newest keep_completed completed and keep_failed failed ones. Never touches a job that has not finished, nor the newest completed run of a name (per owner: last_success), the newest job of a name (latest_runs), or a job whose retries or follow-ups have not finished. Their events, files and locks go with them. Maintenance (run_maintenance) calls it every minute. Call again until it answers no rows. Returns what it deleted per queue and reason.$$;
