-- run_schedule: run a recurring schedule now, besides its fire times.
-- Depends on: api.jobs, 20_internals/schedules.sql.

CREATE OR REPLACE FUNCTION api.run_schedule(name text)
RETURNS api.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint := jobs_internal.fire_schedule(run_schedule.name, clock_timestamp());
    v_row api.jobs;
BEGIN
    SELECT * INTO v_row FROM api.jobs AS v WHERE v.id = v_id;
    RETURN v_row;
END;
$$;

COMMENT ON FUNCTION api.run_schedule(text) IS
$$Run a schedule now

Enqueues one job from the schedule's template now, whether or not it is enabled, with fire_at the time of the call; its fire times go on as before. 404 for an unknown schedule. Admins only. Returns the job.$$;
