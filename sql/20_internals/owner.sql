-- A job belongs to whoever submits it. A body that names another owner is
-- overruled, except an admin's, who may submit on someone's behalf. Fires
-- only for rows whose owner is not the caller: a plain submission takes the
-- caller as owner by default (api.jobs) and skips it.
-- Depends on: callers.sql, schedules.sql.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__set_owner()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- The job of a schedule's fire time is the schedule owner's
    -- (schedules.sql), whoever runs maintenance.
    IF jobs_internal.caller_role() IS DISTINCT FROM 'jobs_admin'
        AND NOT (
            NEW.schedule_name IS NOT NULL
            AND jobs_internal.is_schedule_owner(NEW.schedule_name, NEW.owner)
        ) THEN
        NEW.owner := jobs_internal.current_actor();
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER _050_set_owner
BEFORE INSERT ON jobs.job
FOR EACH ROW
WHEN (new.owner IS DISTINCT FROM jobs_internal.current_actor())
EXECUTE FUNCTION jobs_internal.tg_job__set_owner();
