-- The event log: every status change of a job is appended to
-- jobs.job_event, with who made it; a deleted job takes its events along.
--
-- Every trigger after a statement on jobs.job (here, and in queues.sql,
-- counts.sql, history.sql, files.sql, locks.sql, lineage.sql,
-- follow_ups.sql and notify.sql) is one statement-level trigger per topic
-- and operation, reading the transition tables: a batch of N jobs costs one
-- INSERT ... SELECT per topic, not N trigger calls. They fire in the order
-- of their names: _510 queues, _520 events, _530 counts, _540 history,
-- _550 files, _560 locks, _565 lineage, _570 follow-ups, _590 notify.
-- SECURITY DEFINER: callers may change jobs but must not write the event
-- log, the ledgers, locks or queues directly; the waiting jobs may be
-- another caller's. Transition tables carry no statistics, so the planner
-- would pair old and new rows with a nested loop, quadratic in the batch
-- size: enable_nestloop = off on the update triggers keeps a batch of 1000
-- as cheap per row as one of 10. jit = off: a plan cached after one huge
-- statement would otherwise be compiled again for every small one after
-- it. (Not on delete: there each old row is looked up by index, which a
-- nested loop does best.)
-- Depends on: helpers.sql.

-- A new job's first event: its status, who submitted it.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__events_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
DECLARE
    v_actor text := jobs_internal.current_actor();
BEGIN
    INSERT INTO jobs.job_event (job_id, from_status, to_status, actor, message)
    SELECT n.id, NULL, n.status, v_actor, n.message
    FROM new_rows AS n;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _520_events_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__events_insert();

-- Each status change, with who made it and the message (or the new error).
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__events_update()
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
    -- happened_at from the wall clock: a long-poll claim's transaction may
    -- have begun long before (claim_jobs' wait_seconds).
    INSERT INTO jobs.job_event (job_id, from_status, to_status, actor, message, happened_at)
    SELECT
        n.id,
        o.status,
        n.status,
        v_actor,
        CASE
            WHEN n.error IS DISTINCT FROM o.error THEN n.error
            ELSE n.message
        END,
        clock_timestamp()
    FROM old_rows AS o
    INNER JOIN new_rows AS n ON o.id = n.id
    WHERE o.status IS DISTINCT FROM n.status;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _520_events_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__events_update();

-- A deleted job takes its events with it.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__events_delete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    DELETE FROM jobs.job_event AS e
    USING old_rows AS o
    WHERE e.job_id = o.id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _520_events_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__events_delete();
