-- Jobs per queue and status without scanning jobs: every statement on
-- jobs appends its net change per (queue, status) to the jobs.queue_count
-- ledger per owner (after_statement.sql). Appends never wait on each other, unlike a
-- shared counter row that every concurrent claim would lock until commit.
-- SECURITY DEFINER: callers change jobs, never the ledger directly, and
-- read it only through queue_counts(), which keeps to their scope.
-- Depends on: migrations.

-- Fold the ledger into one row per (queue, owner, status). One caller at a time;
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
        DELETE FROM jobs.queue_count RETURNING queue, owner, status, jobs
    )
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT f.queue, f.owner, f.status, sum(f.jobs)
    FROM folded AS f
    GROUP BY f.queue, f.owner, f.status
    HAVING sum(f.jobs) <> 0;
END;
$$;

-- Called after each statement that appended to the ledgers: now and then
-- fold them, so that readers sum a few hundred rows at most.
CREATE FUNCTION jobs_internal.maybe_compact_ledgers()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF random() < 0.01 THEN
        PERFORM jobs_internal.compact_queue_counts();
        PERFORM jobs_internal.compact_history();
    END IF;
END;
$$;

-- TRUNCATE fires no row or statement trigger of the other kinds.
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

-- The ledger recounted from the jobs themselves, writers held off meanwhile.
CREATE FUNCTION jobs_internal.rebuild_queue_counts()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    LOCK TABLE jobs.job IN SHARE MODE;
    DELETE FROM jobs.queue_count;
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT j.queue, j.owner, j.status, count(*)
    FROM jobs.job AS j
    GROUP BY j.queue, j.owner, j.status;
END;
$$;

-- Jobs per queue and status now, of the jobs in the caller's scope
-- (callers.sql).
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
    CROSS JOIN jobs_internal.caller_scope() AS s
    WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, c.owner, c.queue)
    GROUP BY c.queue, c.status;
END;
