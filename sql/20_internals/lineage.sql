-- Lineage and deletion: a job is not deleted, by DELETE or by retention,
-- while one of its descendants still has to run (a retry of it or of its
-- chain, or a job that runs after it): 409, nothing deleted. When a job is
-- deleted, its finished retries point past it (the trigger at the end), so
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

-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__lineage_delete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    -- a retry of a deleted job points to the nearest job of its
    -- chain that is left (retry_of), and when the root went, the oldest job
    -- left becomes the root of the others (root_job_id): no retry names a
    -- job that is gone. (The jobs left are finished: lineage.sql refuses to
    -- delete a job while a descendant still has to run.)
    IF EXISTS (
        SELECT FROM old_rows AS o
        WHERE EXISTS (SELECT FROM jobs.job AS r WHERE r.retry_of = o.id)
    ) OR EXISTS (
        SELECT FROM old_rows AS o
        WHERE EXISTS (SELECT FROM jobs.job AS r WHERE r.root_job_id = o.id)
    ) THEN
        WITH RECURSIVE ancestor AS (
            SELECT o.id, o.retry_of AS target FROM old_rows AS o
            UNION ALL
            SELECT a.id, o.retry_of AS target
            FROM ancestor AS a
            INNER JOIN old_rows AS o ON a.target = o.id
        ),

        nearest AS (
            SELECT a.id, a.target
            FROM ancestor AS a
            WHERE
                a.target IS NULL
                OR NOT EXISTS (SELECT FROM old_rows AS o WHERE o.id = a.target)
        ),

        new_root AS (
            SELECT r.root_job_id AS old_root, min(r.id) AS root
            FROM old_rows AS o
            INNER JOIN jobs.job AS r ON o.id = r.root_job_id
            GROUP BY r.root_job_id
        ),

        changed AS (
            SELECT r.id, TRUE AS repoint, n.target, NULL::bigint AS root, FALSE AS reroot
            FROM nearest AS n
            INNER JOIN jobs.job AS r ON n.id = r.retry_of
            UNION ALL
            SELECT r.id, FALSE AS repoint, NULL AS target, nr.root, TRUE AS reroot
            FROM new_root AS nr
            INNER JOIN jobs.job AS r ON nr.old_root = r.root_job_id
        ),

        merged AS (
            SELECT
                c.id,
                bool_or(c.repoint) AS repoint,
                max(c.target) AS target,
                bool_or(c.reroot) AS reroot,
                max(c.root) AS root
            FROM changed AS c
            GROUP BY c.id
        )

        UPDATE jobs.job AS r
        SET
            retry_of = CASE WHEN m.repoint THEN m.target ELSE r.retry_of END,
            root_job_id = CASE
                WHEN NOT m.reroot THEN r.root_job_id
                WHEN m.root = r.id THEN NULL
                ELSE m.root
            END
        FROM merged AS m
        WHERE r.id = m.id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _565_lineage_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__lineage_delete();
