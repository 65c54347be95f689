-- What retention (prune_jobs, cleanup_jobs, maintenance) never deletes,
-- however old and whatever the queue's keep_completed / keep_failed:
--   the newest completed run of each name, per owner: last_success reads
--   it, and an ETL script's next incremental load starts from it;
--   the newest job of each name, per owner and queue: latest_runs reads it
--   (jobs.name_latest);
--   a job with a descendant that still has to run (lineage.sql).
-- Depends on: migrations, lineage.sql.

-- SECURITY DEFINER: a job's newer runs may be another caller's.
CREATE OR REPLACE FUNCTION jobs_internal.retention_keeps(
    job_id bigint,
    name text,
    owner text,
    status jobs.job_status,
    started_at timestamptz
)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT
        -- The ledger's newest entry of its key (rows not folded yet may
        -- name older jobs).
        EXISTS (
            SELECT FROM jobs.name_latest AS l
            WHERE
                l.job_id = $1
                AND NOT EXISTS (
                    SELECT FROM jobs.name_latest AS m
                    WHERE
                        m.name = l.name AND m.queue = l.queue
                        AND m.owner IS NOT DISTINCT FROM l.owner
                        AND m.job_id > l.job_id
                )
        )
        OR (
            -- (Without a start time, last_success never answers it.)
            $4 = 'completed'  -- noqa: ST10
            AND $5 IS NOT NULL
            AND NOT EXISTS (
                SELECT FROM jobs.job AS k
                WHERE
                    k.name = $2
                    AND k.status = 'completed'
                    AND k.owner IS NOT DISTINCT FROM $3
                    AND (k.started_at, k.id) > ($5, $1)
            )
        )
        OR jobs_internal.unfinished_descendant($1) IS NOT NULL;
END;

COMMENT ON FUNCTION jobs_internal.retention_keeps(bigint, text, text, jobs.job_status, timestamptz) IS
'True for a finished job that retention must keep: the newest completed run of its name and owner (last_success), the newest job of its name, owner and queue (latest_runs), or a job with an unfinished descendant.';
