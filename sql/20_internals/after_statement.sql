-- What follows every statement on jobs.job, in one statement-level trigger
-- per operation, reading the transition tables: a batch of N jobs costs one
-- INSERT ... SELECT per concern, not N trigger calls, and a statement pays
-- for one trigger call, not one per concern. The concerns:
--   events     every status change is appended to jobs.job_event
--   counts     the net change per (queue, status) goes to the jobs.queue_count
--              ledger (counts.sql), so reading counts never scans jobs
--   queues     a queue exists as soon as a job names it
--   locks      a job that stops running gives back its named locks
--   history    finished jobs go to the jobs.job_history ledger and each
--              name's newest job to jobs.name_latest (history.sql)
--   follow-ups a job that finishes wakes, or cancels, the jobs waiting for it
--   cleanup    a deleted job takes its events, files and locks with it
--   wake       each queue with newly queued jobs is sent as a notification
--              on channel jobs_queued, so that workers LISTENing there claim
--              at once instead of polling (delivered at commit; duplicates
--              within a transaction are folded by PostgreSQL); each running
--              job asked to cancel, by id, on channel jobs_cancelling. A NOTIFY
--              serializes the commits of notifying transactions, which
--              halves one-job-per-transaction enqueue rates under
--              concurrency: where no worker LISTENs, turn it off with
--              ALTER DATABASE ... SET jobsapi.notify = off.
-- SECURITY DEFINER: callers may change jobs but must not write the event log,
-- the ledger, locks or queues directly; the waiting jobs may be another
-- caller's. Transition tables carry no statistics, so the planner would pair
-- old and new rows with a nested loop, quadratic in the batch size:
-- enable_nestloop = off keeps a batch of 1000 as cheap per row as one of 10.
-- jit = off: a plan cached after one huge statement would otherwise be
-- compiled again for every small one after it.
-- (Not on delete: there each old row is looked up by index, which a nested
-- loop does best.)
-- Depends on: helpers.sql, counts.sql.

CREATE FUNCTION jobs_internal.tg_job__after_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
DECLARE
    v_actor text := jobs_internal.current_actor();
BEGIN
    -- queues
    INSERT INTO jobs.queue (name)
    SELECT DISTINCT n.queue
    FROM new_rows AS n
    WHERE NOT EXISTS (SELECT FROM jobs.queue AS q WHERE q.name = n.queue)
    ON CONFLICT DO NOTHING;

    -- events
    INSERT INTO jobs.job_event (job_id, from_status, to_status, actor, message)
    SELECT n.id, NULL, n.status, v_actor, n.message
    FROM new_rows AS n;

    -- counts
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT n.queue, n.owner, n.status, count(*)
    FROM new_rows AS n
    GROUP BY n.queue, n.owner, n.status;

    -- history
    INSERT INTO jobs.name_latest (name, owner, queue, job_id)
    SELECT n.name, n.owner, n.queue, max(n.id)
    FROM new_rows AS n
    GROUP BY n.name, n.owner, n.queue;
    PERFORM jobs_internal.maybe_compact_ledgers();

    -- follow-ups: the job a follow-up waits for shows it as next_job_id.
    IF EXISTS (SELECT FROM new_rows AS n WHERE n.after_job_id IS NOT NULL) THEN
        UPDATE jobs.job AS p
        SET next_job_id = n.id
        FROM new_rows AS n
        WHERE p.id = n.after_job_id AND p.next_job_id IS NULL;
    END IF;

    -- wake
    IF jobs_internal.notify_enabled() THEN
        PERFORM pg_notify('jobs_queued', q.queue)
        FROM (SELECT DISTINCT n.queue FROM new_rows AS n WHERE n.status = 'queued') AS q;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER _500_after_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__after_insert();

CREATE FUNCTION jobs_internal.tg_job__after_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
SET jit = off
AS $$
DECLARE
    v_actor text := jobs_internal.current_actor();
BEGIN
    -- events
    INSERT INTO jobs.job_event (job_id, from_status, to_status, actor, message)
    SELECT
        n.id,
        o.status,
        n.status,
        v_actor,
        CASE
            WHEN n.error IS DISTINCT FROM o.error THEN n.error
            ELSE n.message
        END
    FROM old_rows AS o
    INNER JOIN new_rows AS n ON o.id = n.id
    WHERE o.status IS DISTINCT FROM n.status;

    -- counts (a heartbeat changes no status and appends nothing)
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT c.queue, c.owner, c.status, sum(c.jobs)
    FROM (
        SELECT o.queue, o.owner, o.status, -1 AS jobs FROM old_rows AS o
        UNION ALL
        SELECT n.queue, n.owner, n.status, 1 AS jobs FROM new_rows AS n
    ) AS c
    GROUP BY c.queue, c.owner, c.status
    HAVING sum(c.jobs) <> 0;

    -- history: a renamed job is the newest of its new name, a job moved to
    -- another queue the newest of its name there; the jobs that just
    -- finished.
    IF EXISTS (
        SELECT FROM old_rows AS o
        INNER JOIN new_rows AS n ON o.id = n.id
        WHERE o.name <> n.name OR o.queue <> n.queue
    ) THEN
        INSERT INTO jobs.name_latest (name, owner, queue, job_id)
        SELECT n.name, n.owner, n.queue, max(n.id)
        FROM old_rows AS o
        INNER JOIN new_rows AS n ON o.id = n.id
        WHERE o.name <> n.name OR o.queue <> n.queue
        GROUP BY n.name, n.owner, n.queue;
    END IF;
    INSERT INTO jobs.job_history (
        day, queue, owner, name, status, bucket, jobs, duration_sum,
        queue_time_sum
    )
    SELECT
        (n.ended_at AT TIME ZONE 'UTC')::date,
        n.queue,
        n.owner,
        n.name,
        n.status,
        jobs_internal.duration_bucket(extract(EPOCH FROM n.ended_at - n.started_at)),
        count(*),
        sum(extract(EPOCH FROM n.ended_at - n.started_at)),
        sum(extract(EPOCH FROM n.started_at - n.run_at))
    FROM old_rows AS o
    INNER JOIN new_rows AS n ON o.id = n.id
    WHERE
        n.status IN ('completed', 'failed', 'cancelled')
        AND o.status NOT IN ('completed', 'failed', 'cancelled')
    GROUP BY 1, 2, 3, 4, 5, 6;
    PERFORM jobs_internal.maybe_compact_ledgers();

    -- locks: released by any way out of running.
    IF EXISTS (SELECT FROM jobs.job_lock) THEN
        DELETE FROM jobs.job_lock AS h
        USING old_rows AS o, new_rows AS n
        WHERE
            h.job_id = n.id
            AND o.id = n.id
            AND o.status IN ('running', 'cancelling')
            AND n.status NOT IN ('running', 'cancelling');
    END IF;

    -- follow-ups: due (queued, or scheduled until their own run_at) when the
    -- job they wait for completed, cancelled when it failed or was
    -- cancelled. The UPDATE fires this trigger again for the jobs it
    -- changes, which cascades down a chain; a statement that finishes no
    -- job ends it.
    IF EXISTS (
        SELECT FROM new_rows AS n
        WHERE n.status IN ('completed', 'failed', 'cancelled')
    ) AND EXISTS (
        -- Ordered by the key of job_waiting_idx so that even without
        -- statistics the probe reads that small index, not the table.
        SELECT FROM jobs.job AS w WHERE w.waiting ORDER BY w.after_job_id LIMIT 1
    ) THEN
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

    -- wake: scheduled jobs that came due, rescued and resumed jobs, jobs
    -- whose predecessor completed (a PATCH of a queued job wakes too, which
    -- costs a worker one empty claim). A running job asked to cancel is
    -- named on jobs_cancelling, so that its worker stops it at once rather
    -- than at its next heartbeat.
    IF jobs_internal.notify_enabled() THEN
        PERFORM pg_notify('jobs_queued', q.queue)
        FROM (SELECT DISTINCT n.queue FROM new_rows AS n WHERE n.status = 'queued') AS q;
        IF EXISTS (SELECT FROM new_rows AS n WHERE n.status = 'cancelling') THEN
            PERFORM pg_notify('jobs_cancelling', n.id::text)
            FROM old_rows AS o
            INNER JOIN new_rows AS n ON o.id = n.id
            WHERE n.status = 'cancelling' AND o.status <> 'cancelling';
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER _500_after_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__after_update();

CREATE FUNCTION jobs_internal.tg_job__after_delete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    -- cleanup
    DELETE FROM jobs.job_event AS e
    USING old_rows AS o
    WHERE e.job_id = o.id;
    DELETE FROM jobs.job_file AS f
    USING old_rows AS o
    WHERE f.job_id = o.id;
    DELETE FROM jobs.job_lock AS h
    USING old_rows AS o
    WHERE h.job_id = o.id;

    -- counts
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT o.queue, o.owner, o.status, -count(*)
    FROM old_rows AS o
    GROUP BY o.queue, o.owner, o.status;

    -- history: the ledger forgets the deleted jobs; a name whose newest job
    -- went falls back to the one before (rare: retention deletes the oldest
    -- jobs first).
    WITH orphaned AS (
        DELETE FROM jobs.name_latest AS l
        USING old_rows AS o
        WHERE l.job_id = o.id
        RETURNING l.name, l.owner, l.queue
    )

    INSERT INTO jobs.name_latest (name, owner, queue, job_id)
    SELECT d.name, d.owner, d.queue, j.job_id
    FROM (SELECT DISTINCT o.name, o.owner, o.queue FROM orphaned AS o) AS d
    CROSS JOIN LATERAL (
        SELECT max(k.id) AS job_id
        FROM jobs.job AS k
        WHERE
            k.name = d.name
            AND k.owner IS NOT DISTINCT FROM d.owner
            AND k.queue = d.queue
    ) AS j
    WHERE j.job_id IS NOT NULL;
    PERFORM jobs_internal.maybe_compact_ledgers();
    RETURN NULL;
END;
$$;

CREATE TRIGGER _500_after_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__after_delete();
