-- The audit log of transitions and the bookkeeping that follows a
-- statement on jobs. Statement-level triggers with transition tables, so a
-- batch of N jobs costs one INSERT ... SELECT, not N trigger calls.
-- SECURITY DEFINER: callers may change jobs but must not write the event log
-- or the queue list directly. Depends on: helpers.sql.

CREATE FUNCTION jobs_internal.tg_job__record_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_actor text := jobs_internal.current_actor();
BEGIN
    -- A queue exists as soon as a job names it.
    INSERT INTO jobs.queue (name)
    SELECT DISTINCT n.queue
    FROM new_rows AS n
    WHERE NOT EXISTS (SELECT FROM jobs.queue AS q WHERE q.name = n.queue)
    ON CONFLICT DO NOTHING;

    INSERT INTO jobs.job_event (job_id, from_status, to_status, actor, message)
    SELECT n.id, NULL, n.status, v_actor, n.message
    FROM new_rows AS n;

    -- The job a follow-up waits for shows it as next_job_id.
    IF EXISTS (SELECT FROM new_rows AS n WHERE n.after_job_id IS NOT NULL) THEN
        UPDATE jobs.job AS p
        SET next_job_id = n.id
        FROM new_rows AS n
        WHERE p.id = n.after_job_id AND p.next_job_id IS NULL;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER _500_record_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__record_insert();

-- Transition tables carry no statistics, so the planner would pair old and
-- new rows with a nested loop: quadratic in the batch size. A hash join
-- keeps a batch of 1000 as cheap per row as a batch of 10.
CREATE FUNCTION jobs_internal.tg_job__record_transition()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
AS $$
DECLARE
    v_actor text := jobs_internal.current_actor();
BEGIN
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
    RETURN NULL;
END;
$$;

CREATE TRIGGER _500_record_transition
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__record_transition();

-- A deleted job takes its history, files and locks with it.
CREATE FUNCTION jobs_internal.tg_job__delete_dependents()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
AS $$
BEGIN
    DELETE FROM jobs.job_event AS e
    USING old_rows AS o
    WHERE e.job_id = o.id;
    DELETE FROM jobs.job_file AS f
    USING old_rows AS o
    WHERE f.job_id = o.id;
    DELETE FROM jobs.job_lock AS l
    USING old_rows AS o
    WHERE l.job_id = o.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER _500_delete_dependents
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__delete_dependents();
