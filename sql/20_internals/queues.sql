-- A job moved to another queue creates it, as a submission does.
-- SECURITY DEFINER: callers may move jobs but not create queues directly.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__create_queue()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    INSERT INTO jobs.queue (name) VALUES (NEW.queue) ON CONFLICT DO NOTHING;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER _110_create_queue
BEFORE UPDATE OF queue ON jobs.job
FOR EACH ROW
WHEN (old.queue IS DISTINCT FROM new.queue)
EXECUTE FUNCTION jobs_internal.tg_job__create_queue();

-- A queue that still has jobs cannot be deleted: its jobs need its retry
-- settings. Depends on: migrations.
CREATE OR REPLACE FUNCTION jobs_internal.tg_queue__guard_delete()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Keep jobs from arriving between this check and the delete's commit;
    -- deleting a queue is rare.
    LOCK TABLE jobs.job IN SHARE MODE;
    IF EXISTS (SELECT FROM jobs.job AS j WHERE j.queue = OLD.name) THEN
        RAISE EXCEPTION 'queue % still has jobs',
            jobs_internal.escape_for_message(OLD.name)
            USING ERRCODE = 'PT409',
                DETAIL = format('queue=%s', OLD.name),
                HINT = 'Delete its finished jobs and cancel the others first.';
    END IF;
    RETURN OLD;
END;
$$;

CREATE OR REPLACE TRIGGER _100_guard_delete
BEFORE DELETE ON jobs.queue
FOR EACH ROW
EXECUTE FUNCTION jobs_internal.tg_queue__guard_delete();

-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
-- A submitted job's queue exists from then on.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__queues_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    INSERT INTO jobs.queue (name)
    SELECT DISTINCT n.queue
    FROM new_rows AS n
    WHERE NOT EXISTS (SELECT FROM jobs.queue AS q WHERE q.name = n.queue)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _510_queues_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__queues_insert();
