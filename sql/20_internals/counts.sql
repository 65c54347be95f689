-- Jobs per queue and status without scanning jobs: every statement on
-- jobs appends its net change per (queue, status) to the jobs.queue_count
-- ledger per owner (the triggers below). Appends never wait on each other, unlike a
-- shared counter row that every concurrent claim would lock until commit.
-- Maintenance folds the appended rows (fold_queue_counts).
-- SECURITY DEFINER: callers change jobs, never the ledger directly, and
-- read it only through queue_counts(), which keeps to their scope.
-- Statement-level, over the transition tables, as every trigger after a statement on jobs.job is (events.sql says why).
-- Depends on: migrations.

-- Add the rows appended since the last fold into the one folded row per
-- (queue, owner, status), and delete them; answers how many were folded.
-- Maintenance calls it (api.run_maintenance), never a statement on jobs, so
-- the hot path does no folding. Rows of transactions still in flight are
-- invisible here and wait for the next fold.
CREATE OR REPLACE FUNCTION jobs_internal.fold_queue_counts()
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_folded bigint;
BEGIN
    WITH appended AS (
        DELETE FROM jobs.queue_count AS c WHERE NOT c.folded
        RETURNING c.queue, c.owner, c.status, c.jobs
    ),

    summed AS (
        SELECT a.queue, a.owner, a.status, sum(a.jobs) AS jobs, count(*) AS rows_folded
        FROM appended AS a
        GROUP BY a.queue, a.owner, a.status
    ),

    merged AS (
        INSERT INTO jobs.queue_count AS c (queue, owner, status, jobs, folded)
        SELECT s.queue, s.owner, s.status, s.jobs, TRUE
        FROM summed AS s
        ON CONFLICT (queue, owner, status) WHERE folded
        DO UPDATE SET jobs = c.jobs + excluded.jobs
    )

    SELECT coalesce(sum(s.rows_folded), 0) INTO v_folded FROM summed AS s;
    -- Keys whose jobs are all gone.
    DELETE FROM jobs.queue_count AS c WHERE c.folded AND c.jobs = 0;
    RETURN v_folded;
END;
$$;

-- Each statement appends its net change per (queue, owner, status).
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__counts_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT n.queue, n.owner, n.status, count(*)
    FROM new_rows AS n
    GROUP BY n.queue, n.owner, n.status;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _530_counts_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__counts_insert();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__counts_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
SET jit = off
AS $$
BEGIN
    -- (a heartbeat changes no status and appends nothing)
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT c.queue, c.owner, c.status, sum(c.jobs)
    FROM (
        SELECT o.queue, o.owner, o.status, -1 AS jobs FROM old_rows AS o
        UNION ALL
        SELECT n.queue, n.owner, n.status, 1 AS jobs FROM new_rows AS n
    ) AS c
    GROUP BY c.queue, c.owner, c.status
    HAVING sum(c.jobs) <> 0;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _530_counts_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__counts_update();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__counts_delete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT o.queue, o.owner, o.status, -count(*)
    FROM old_rows AS o
    GROUP BY o.queue, o.owner, o.status;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _530_counts_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__counts_delete();

-- TRUNCATE fires no row or statement trigger of the other kinds.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__count_truncate()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    DELETE FROM jobs.queue_count;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _530_counts_truncate
AFTER TRUNCATE ON jobs.job
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__count_truncate();

-- The ledger recounted from the jobs themselves, writers held off meanwhile.
CREATE OR REPLACE FUNCTION jobs_internal.rebuild_queue_counts()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    LOCK TABLE jobs.job IN SHARE MODE;
    DELETE FROM jobs.queue_count;
    INSERT INTO jobs.queue_count (queue, owner, status, jobs, folded)
    SELECT j.queue, j.owner, j.status, count(*), TRUE
    FROM jobs.job AS j
    GROUP BY j.queue, j.owner, j.status;
END;
$$;

-- Jobs per queue and status now, of the jobs in the caller's scope
-- (callers.sql).
CREATE OR REPLACE FUNCTION jobs_internal.queue_counts()
RETURNS TABLE (queue text, status jobs.job_status, jobs bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    -- The scope is worked out once, not inlined into a test per row.
    WITH scope AS MATERIALIZED (SELECT c.* FROM jobs_internal.caller_scope() AS c)

    SELECT
        c.queue,
        c.status,
        sum(c.jobs)::bigint AS jobs
    FROM jobs.queue_count AS c
    CROSS JOIN scope AS s
    WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, c.owner, c.queue)
    GROUP BY c.queue, c.status;
END;
