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
--   lineage    the retries of a deleted job point past it (lineage.sql)
--   wake       each queue with newly queued jobs, or with scheduled jobs
--              whose due time is new, is sent as a notification on channel
--              jobs_queued, so that workers LISTENing there claim at once,
--              or set a timer for the next due time, instead of polling
--              (delivered at commit; duplicates within a transaction are
--              folded by PostgreSQL); each running
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

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__after_insert()
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
        FROM (
            SELECT DISTINCT n.queue FROM new_rows AS n
            WHERE n.status = 'queued' OR (n.status = 'scheduled' AND NOT n.waiting)
        ) AS q;
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _500_after_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__after_insert();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__after_update()
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
    -- costs a worker one empty claim); jobs that got a new due time (a
    -- retry after its backoff, a follow-up released to its own run_at, a
    -- job moved in time), so that a worker sets its timer. A running job
    -- asked to cancel is named on jobs_cancelling, so that its worker stops
    -- it at once rather than at its next heartbeat.
    IF jobs_internal.notify_enabled() THEN
        -- (Claims, the busiest updates, make nothing due: skip the join.)
        PERFORM pg_notify('jobs_queued', q.queue)
        FROM (
            SELECT DISTINCT n.queue
            FROM old_rows AS o
            INNER JOIN new_rows AS n ON o.id = n.id
            WHERE
                n.status = 'queued'
                OR (
                    n.status = 'scheduled' AND NOT n.waiting
                    AND (o.status <> 'scheduled' OR o.waiting OR o.run_at <> n.run_at)
                )
        ) AS q
        WHERE EXISTS (
            SELECT FROM new_rows AS n WHERE n.status IN ('queued', 'scheduled')
        );
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

CREATE OR REPLACE TRIGGER _500_after_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__after_update();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__after_delete()
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

    -- lineage: a retry of a deleted job points to the nearest job of its
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
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _500_after_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__after_delete();
