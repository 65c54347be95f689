-- Recurring schedules (jobs.schedule): each fire time of a schedule's cron
-- expression enqueues exactly one job from its template. The rule of when a
-- schedule fires next is cron_next (cron.sql); this file checks schedules
-- as they are written and fires the due ones for maintenance
-- (api.run_maintenance). Exactly once per fire time is the unique index
-- job_schedule_fire_key, not a lock: any number of callers may race.
-- Depends on: migrations, cron.sql, helpers.sql.

-- A fire time that maintenance reaches later than this was missed (the
-- database, or whatever runs maintenance, was down): see fire_due_schedules.
CREATE OR REPLACE FUNCTION jobs_internal.schedule_grace()
RETURNS interval
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT interval '5 minutes';
END;

COMMENT ON FUNCTION jobs_internal.schedule_grace() IS
'How late a fire time may be reached and still count as on time (5 minutes); later, it was missed and the schedule''s on_missed decides.';

-- A schedule as written: a valid expression and time zone (400 otherwise),
-- and its next fire time, from now (or its last fire time) when it is new,
-- enabled again, or given another expression or time zone; none while
-- disabled.
CREATE OR REPLACE FUNCTION jobs_internal.tg_schedule__check()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.time_zone := jobs_internal.check_time_zone(NEW.time_zone);
    PERFORM jobs_internal.cron_parse(NEW.cron);
    IF NOT NEW.enabled THEN
        NEW.next_fire_at := NULL;
    ELSIF TG_OP = 'INSERT'
        OR NEW.next_fire_at IS NULL
        OR NEW.cron IS DISTINCT FROM OLD.cron
        OR NEW.time_zone IS DISTINCT FROM OLD.time_zone THEN
        NEW.next_fire_at := jobs_internal.cron_next(
            NEW.cron, NEW.time_zone, greatest(now(), NEW.last_fire_at)
        );
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER _100_check
BEFORE INSERT OR UPDATE ON jobs.schedule
FOR EACH ROW
EXECUTE FUNCTION jobs_internal.tg_schedule__check();

-- Enqueue the job of one fire time; answers its id, or null when a job for
-- that fire time exists already (another caller won the race). The job
-- belongs to the schedule's owner and is due at its fire time.
-- SECURITY DEFINER: maintenance may be run by a worker, whose token could
-- not submit jobs on someone's behalf.
CREATE OR REPLACE FUNCTION jobs_internal.fire_schedule(schedule_name text, fire_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
#variable_conflict use_column
DECLARE
    v_schedule jobs.schedule;
    v_id bigint;
BEGIN
    SELECT * INTO v_schedule FROM jobs.schedule AS s WHERE s.name = fire_schedule.schedule_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'schedule % does not exist',
            jobs_internal.escape_for_message(fire_schedule.schedule_name)
            USING ERRCODE = 'PT404';
    END IF;
    INSERT INTO jobs.job (
        queue, name, priority, payload, meta, locks, max_attempts, owner,
        run_at, schedule_name, fire_at
    ) VALUES (
        v_schedule.queue, v_schedule.job_name, v_schedule.priority,
        v_schedule.payload, v_schedule.meta, v_schedule.locks,
        v_schedule.max_attempts, v_schedule.owner,
        least(fire_schedule.fire_at, now()), v_schedule.name, fire_schedule.fire_at
    )
    ON CONFLICT (schedule_name, fire_at) WHERE schedule_name IS NOT NULL AND retry_of IS NULL
    DO NOTHING
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

COMMENT ON FUNCTION jobs_internal.fire_schedule(text, timestamptz) IS
'Enqueues the job of a schedule for one fire time, owned by the schedule''s owner; null when that fire time has its job already (the unique index job_schedule_fire_key).';

-- A job a schedule fires names it; its owner is the schedule's, whoever
-- runs maintenance (the owner trigger lets it through).
CREATE OR REPLACE FUNCTION jobs_internal.is_schedule_owner(schedule_name text, owner text)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT count(*) > 0 AS owns
    FROM jobs.schedule AS s
    WHERE s.name = $1 AND s.owner IS NOT DISTINCT FROM $2;
END;

-- Fire every enabled schedule whose next fire time has come. Fire times
-- reached within schedule_grace() each get their job, one after the other.
-- When the next fire time is older than that, every fire time from it to
-- now was missed: on_missed = run_once enqueues one job, for the first of
-- them; skip enqueues none. Either way the schedule goes on from now. A
-- schedule whose job cannot be enqueued keeps the error in last_error and
-- the others go on. Answers how many jobs were enqueued and how many
-- missed stretches were skipped.
CREATE OR REPLACE FUNCTION jobs_internal.fire_due_schedules(OUT fired integer, OUT skipped integer)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_schedule jobs.schedule;
    v_fire timestamptz;
    v_next timestamptz;
    v_fired integer;
    v_skipped integer;
BEGIN
    fired := 0;
    skipped := 0;
    FOR v_schedule IN
        SELECT * FROM jobs.schedule AS s
        WHERE s.enabled AND s.next_fire_at <= now()
        ORDER BY s.next_fire_at
        FOR UPDATE SKIP LOCKED
    LOOP
        v_fire := v_schedule.next_fire_at;
        v_fired := 0;
        v_skipped := 0;
        BEGIN
            WHILE v_fire <= now() LOOP
                IF v_fire >= now() - jobs_internal.schedule_grace() THEN
                    v_fired := v_fired
                        + (jobs_internal.fire_schedule(v_schedule.name, v_fire) IS NOT NULL)::integer;
                    v_next := jobs_internal.cron_next(v_schedule.cron, v_schedule.time_zone, v_fire);
                ELSE
                    IF v_schedule.on_missed = 'run_once' THEN
                        v_fired := v_fired
                            + (jobs_internal.fire_schedule(v_schedule.name, v_fire) IS NOT NULL)::integer;
                    ELSE
                        v_skipped := v_skipped + 1;
                    END IF;
                    v_next := jobs_internal.cron_next(v_schedule.cron, v_schedule.time_zone, now());
                END IF;
                UPDATE jobs.schedule AS s
                SET last_fire_at = v_fire, next_fire_at = v_next, last_error = NULL
                WHERE s.name = v_schedule.name;
                v_fire := v_next;
            END LOOP;
            fired := fired + v_fired;
            skipped := skipped + v_skipped;
        EXCEPTION WHEN OTHERS THEN
            UPDATE jobs.schedule AS s
            SET last_error = left(SQLERRM, 1000)
            WHERE s.name = v_schedule.name;
        END;
    END LOOP;
END;
$$;

COMMENT ON FUNCTION jobs_internal.fire_due_schedules() IS
'Enqueues the jobs of the due fire times of every enabled schedule (maintenance calls it). Fire times reached within schedule_grace() get one job each; an older one starts a missed stretch up to now, which gets one job (on_missed = run_once) or none (skip). Answers the jobs enqueued and the missed stretches skipped.';
