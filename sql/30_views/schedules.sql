-- api.schedules: recurring schedules, each enqueueing one job per fire time
-- of its cron expression (20_internals/schedules.sql). Admins only.
-- Depends on: migrations, 20_internals/schedules.sql.

CREATE OR REPLACE VIEW api.schedules WITH (security_invoker = TRUE) AS
SELECT
    s.name,
    s.cron,
    s.time_zone,
    s.queue,
    s.job_name,
    s.payload,
    s.priority,
    s.meta,
    s.locks,
    s.max_attempts,
    s.enabled,
    s.on_missed,
    s.last_fire_at,
    s.next_fire_at,
    s.last_error,
    s.owner,
    s.created_at
FROM jobs.schedule AS s;

SELECT jobs_internal.copy_defaults('api.schedules', 'jobs.schedule');
ALTER VIEW api.schedules ALTER COLUMN owner SET DEFAULT jobs_internal.current_actor();

COMMENT ON VIEW api.schedules IS
$$Recurring schedules

Each fire time of a schedule's cron expression enqueues exactly one job from its template (queue, job_name, payload, priority, meta, locks, max_attempts); the job carries schedule_name and fire_at, so GET /jobs?schedule_name=eq.NAME lists a schedule's runs. Maintenance fires due schedules every minute. POST adds one (400 for an invalid cron expression or time zone, nothing stored), PATCH changes one (enabled = false pauses it), DELETE removes it; POST /rpc/run_schedule runs one now. Admins only.$$;
COMMENT ON COLUMN api.schedules.name IS 'Unique name of the schedule.';
COMMENT ON COLUMN api.schedules.cron IS 'Standard 5-field cron expression: minute hour day-of-month month day-of-week, with *, lists, ranges, steps, month and weekday names, and @hourly, @daily, @weekly, @monthly, @yearly. When both day fields are restricted, a day matching either fires.';
COMMENT ON COLUMN api.schedules.time_zone IS 'IANA time zone the expression is read in (default UTC), e.g. Europe/Berlin: 0 9 * * * fires at 9:00 there, summer and winter.';
COMMENT ON COLUMN api.schedules.queue IS 'Queue of the jobs it enqueues (default: default).';
COMMENT ON COLUMN api.schedules.job_name IS 'Name of the jobs it enqueues.';
COMMENT ON COLUMN api.schedules.payload IS 'Payload of the jobs it enqueues.';
COMMENT ON COLUMN api.schedules.priority IS 'Priority of the jobs it enqueues, 1 to 4 (default 2).';
COMMENT ON COLUMN api.schedules.meta IS 'Meta of the jobs it enqueues.';
COMMENT ON COLUMN api.schedules.locks IS 'Lock names of the jobs it enqueues (e.g. one run at a time: the schedule''s name).';
COMMENT ON COLUMN api.schedules.max_attempts IS 'max_attempts of the jobs it enqueues; null: the queue''s.';
COMMENT ON COLUMN api.schedules.enabled IS 'False pauses the schedule; enabled again, it fires from then on (the fire times in between are not enqueued).';
COMMENT ON COLUMN api.schedules.on_missed IS 'Fire times that passed while maintenance did not run (reached more than 5 minutes late): run_once (default) enqueues one job for them all, skip none.';
COMMENT ON COLUMN api.schedules.last_fire_at IS 'The last fire time it reached.';
COMMENT ON COLUMN api.schedules.next_fire_at IS 'Its next fire time; null while disabled.';
COMMENT ON COLUMN api.schedules.last_error IS 'Why its last job could not be enqueued, if it could not; null after a success.';
COMMENT ON COLUMN api.schedules.owner IS 'Who owns the jobs it enqueues (default: who added it).';
COMMENT ON COLUMN api.schedules.created_at IS 'When it was added.';
