-- Jobs per queue and status without scanning jobs: every statement on
-- jobs appends its net change per (queue, status) to the jobs.queue_count
-- ledger. Appends never wait on each other, unlike a shared counter row
-- that every concurrent claim would have to lock until commit.
-- SECURITY DEFINER: callers change jobs, never the ledger directly.
-- Depends on: migrations.

-- Fold the ledger into one row per (queue, status). One caller at a time;
-- rows of transactions still in flight are invisible here and stay.
CREATE FUNCTION jobs_internal.compact_queue_counts()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(
        'jobs.queue_count'::regclass::oid::bigint
    ) THEN
        RETURN;
    END IF;
    WITH folded AS (
        DELETE FROM jobs.queue_count RETURNING queue, status, jobs
    )
    INSERT INTO jobs.queue_count (queue, status, jobs)
    SELECT f.queue, f.status, sum(f.jobs)
    FROM folded AS f
    GROUP BY f.queue, f.status
    HAVING sum(f.jobs) <> 0;
END;
$$;

-- Append a statement's changes; now and then fold the ledger so that
-- readers sum a few hundred rows at most.
CREATE FUNCTION jobs_internal.tg_job__count()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO jobs.queue_count (queue, status, jobs)
        SELECT n.queue, n.status, count(*)
        FROM new_rows AS n
        GROUP BY n.queue, n.status;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO jobs.queue_count (queue, status, jobs)
        SELECT o.queue, o.status, -count(*)
        FROM old_rows AS o
        GROUP BY o.queue, o.status;
    ELSE
        INSERT INTO jobs.queue_count (queue, status, jobs)
        SELECT c.queue, c.status, sum(c.jobs)
        FROM (
            SELECT o.queue, o.status, -1 AS jobs FROM old_rows AS o
            UNION ALL
            SELECT n.queue, n.status, 1 AS jobs FROM new_rows AS n
        ) AS c
        GROUP BY c.queue, c.status
        HAVING sum(c.jobs) <> 0;
    END IF;
    IF random() < 0.01 THEN
        PERFORM jobs_internal.compact_queue_counts();
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER _510_count_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__count();

CREATE TRIGGER _510_count_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__count();

CREATE TRIGGER _510_count_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__count();

CREATE FUNCTION jobs_internal.tg_job__count_truncate()
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

CREATE TRIGGER _510_count_truncate
AFTER TRUNCATE ON jobs.job
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__count_truncate();

-- Jobs per queue and status, now.
CREATE FUNCTION jobs_internal.queue_counts()
RETURNS TABLE (queue text, status jobs.job_status, jobs bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT
        c.queue,
        c.status,
        sum(c.jobs)::bigint AS jobs
    FROM jobs.queue_count AS c
    GROUP BY c.queue, c.status;
END;
