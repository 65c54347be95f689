-- Lineage and deletion: a job is not deleted, by DELETE or by retention,
-- while one of its descendants still has to run (a retry of it or of its
-- chain, or a job that runs after it): 409, nothing deleted. When a job is
-- deleted, its finished retries point past it (after_statement.sql), so
-- retry_of and root_job_id never name a job that is gone. after_job_id
-- stays as a record of what a follow-up ran after.
-- Depends on: migrations, helpers.sql.

-- One unfinished descendant of a job (the lowest id), or null. SECURITY
-- DEFINER: a descendant may be a job the caller cannot see (a follow-up
-- someone else submitted), and it still counts.
CREATE OR REPLACE FUNCTION jobs_internal.unfinished_descendant(job_id bigint)
RETURNS bigint
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT min(d.id)
    FROM (
        SELECT r.id FROM jobs.job AS r
        WHERE r.retry_of = $1 AND r.status NOT IN ('completed', 'failed', 'cancelled')
        UNION ALL
        SELECT r.id FROM jobs.job AS r
        WHERE r.root_job_id = $1 AND r.status NOT IN ('completed', 'failed', 'cancelled')
        UNION ALL
        SELECT f.id FROM jobs.job AS f
        WHERE f.after_job_id = $1 AND f.status NOT IN ('completed', 'failed', 'cancelled')
    ) AS d;
END;

COMMENT ON FUNCTION jobs_internal.unfinished_descendant(bigint) IS
'One job (the lowest id) that descends from this one (a retry of it or of its chain, or a job that runs after it) and has not finished; null when there is none. Such a job keeps this one from being deleted.';

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__guard_lineage()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_descendant bigint := jobs_internal.unfinished_descendant(OLD.id);
BEGIN
    IF v_descendant IS NOT NULL THEN
        RAISE EXCEPTION 'job % cannot be deleted while job %, which descends from it, has not finished',
            OLD.id, v_descendant
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s descendant=%s', OLD.id, v_descendant),
                HINT = 'Wait for its retries and follow-ups to finish, or cancel them.';
    END IF;
    RETURN OLD;
END;
$$;

CREATE OR REPLACE TRIGGER _110_guard_lineage
BEFORE DELETE ON jobs.job
FOR EACH ROW
WHEN (jobs_internal.is_finished(old.status))
EXECUTE FUNCTION jobs_internal.tg_job__guard_lineage();
