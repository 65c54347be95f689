-- A job belongs to whoever submits it. A body that names another owner is
-- overruled, except an admin's, who may submit on someone's behalf. The
-- test is in the function, not in the trigger's WHEN: there the caller's
-- name cost about 15 µs a row to compute, here about 1 µs.
-- Depends on: callers.sql, schedules.sql.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__set_owner()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_actor text := jobs_internal.current_actor();
BEGIN
    -- A plain submission takes the caller as owner by default (api.jobs).
    -- The job of a schedule's fire time is the schedule owner's
    -- (schedules.sql), whoever runs maintenance.
    IF NEW.owner IS DISTINCT FROM v_actor
        AND jobs_internal.caller_role() IS DISTINCT FROM 'jobs_admin'
        AND NOT (
            NEW.schedule_name IS NOT NULL
            AND jobs_internal.is_schedule_owner(NEW.schedule_name, NEW.owner)
        ) THEN
        NEW.owner := v_actor;
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER _050_set_owner
BEFORE INSERT ON jobs.job
FOR EACH ROW
EXECUTE FUNCTION jobs_internal.tg_job__set_owner();
