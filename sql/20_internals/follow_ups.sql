-- Follow-ups: a job submitted with after_job_id waits (waiting = true)
-- until the job it runs after finishes. That job shows it as next_job_id;
-- when it completes, the follow-up becomes due (queued, or scheduled until
-- its own run_at); when it fails or is cancelled, the follow-up is
-- cancelled with a message saying why.
-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
-- Depends on: migrations.

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__follow_ups_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    -- the job a follow-up waits for shows it as next_job_id.
    IF EXISTS (SELECT FROM new_rows AS n WHERE n.after_job_id IS NOT NULL) THEN
        UPDATE jobs.job AS p
        SET next_job_id = n.id
        FROM new_rows AS n
        WHERE p.id = n.after_job_id AND p.next_job_id IS NULL;
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _570_follow_ups_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__follow_ups_insert();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__follow_ups_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
SET jit = off
AS $$
BEGIN
    -- due (queued, or scheduled until their own run_at) when the
    -- job they wait for completed, cancelled when it failed or was
    -- cancelled. The UPDATE fires this trigger again for the jobs it
    -- changes, which cascades down a chain; a statement that finishes no
    -- job ends it.
    IF EXISTS (
        SELECT FROM new_rows AS n
        WHERE n.status IN ('completed', 'failed', 'cancelled')
    ) AND (
        -- A scalar probe ordered by the key of job_waiting_idx, so that
        -- whatever the statistics say it reads the first entry of that
        -- small index, not the table. (Not EXISTS: PostgreSQL drops the
        -- ORDER BY and LIMIT of an EXISTS and may scan the table.)
        SELECT w.after_job_id FROM jobs.job AS w WHERE w.waiting
        ORDER BY w.after_job_id LIMIT 1
    ) IS NOT NULL THEN
        UPDATE jobs.job AS w
        SET
            waiting = FALSE,
            status = CASE
                WHEN n.status <> 'completed' THEN 'cancelled'
                WHEN w.run_at <= now() THEN 'queued'
                ELSE 'scheduled'
            END::jobs.job_status,
            message = CASE
                WHEN n.status = 'completed' THEN w.message
                ELSE format('job %s, which this job runs after, %s', n.id, n.status)
            END
        FROM new_rows AS n
        WHERE
            w.after_job_id = n.id
            AND w.waiting
            AND n.status IN ('completed', 'failed', 'cancelled');
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _570_follow_ups_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__follow_ups_update();
