-- Notifications, so that LISTENing workers claim at once or set a timer for
-- the next due time instead of polling (delivered at commit; duplicates
-- within a transaction are folded by PostgreSQL):
--   jobs_queued      the queue of newly queued jobs, or of scheduled jobs
--                    whose due time is new; an empty payload when a lock was
--                    released (a job of any queue may now run)
--   jobs_cancelling  the id of a running job asked to cancel
-- A NOTIFY serializes the commits of notifying transactions, which halves
-- one-job-per-transaction enqueue rates under concurrency: where no worker
-- LISTENs, turn it off with ALTER DATABASE ... SET jobsapi.notify = off.
-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
-- Depends on: migrations.

-- Whether statements that queue jobs NOTIFY jobs_queued:
-- on unless the setting jobsapi.notify is off (for the database, a role or
-- a session).
CREATE OR REPLACE FUNCTION jobs_internal.notify_enabled()
RETURNS boolean
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT coalesce(current_setting('jobsapi.notify', TRUE), '') NOT IN ('off', 'false', '0');
END;

COMMENT ON FUNCTION jobs_internal.notify_enabled() IS
'True unless the setting jobsapi.notify is off: then no NOTIFY jobs_queued is sent.';

-- Each queue with newly queued jobs, or scheduled jobs whose due time is new, is named on channel jobs_queued.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__notify_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
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

CREATE OR REPLACE TRIGGER _590_notify_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__notify_insert();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__notify_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
SET jit = off
AS $$
BEGIN
    -- scheduled jobs that came due, rescued and resumed jobs, jobs
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

CREATE OR REPLACE TRIGGER _590_notify_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__notify_update();

-- A released lock name may let a queued job of any queue run: tell every
-- LISTENing worker (an empty payload on jobs_queued), whoever released it
-- (a job that stopped running, release_lock, an admin clearing it).
CREATE OR REPLACE FUNCTION jobs_internal.tg_job_lock__wake()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF jobs_internal.notify_enabled() AND EXISTS (SELECT FROM released) THEN
        PERFORM pg_notify('jobs_queued', '');
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _590_notify_released
AFTER DELETE ON jobs.job_lock
REFERENCING OLD TABLE AS released
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job_lock__wake();
