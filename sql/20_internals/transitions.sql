-- The status-transition guard: the single place that decides which status
-- changes are legal and stamps started_at, ended_at and attempts. It fires
-- for PATCH, RPC and plain SQL alike. Depends on: helpers.sql.

-- The one definition of the legal status transitions.
CREATE OR REPLACE FUNCTION jobs_internal.transition_allowed(
    from_status jobs.job_status, to_status jobs.job_status
)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT CASE from_status
        -- A due scheduled job is claimed without being queued first.
        WHEN 'scheduled' THEN to_status IN ('queued', 'running', 'cancelled')
        WHEN 'queued' THEN to_status IN ('scheduled', 'running', 'cancelled')
        WHEN 'running'
            THEN
                to_status IN (
                    'completed', 'failed', 'scheduled', 'queued', 'cancelling'
                )
        WHEN 'cancelling' THEN to_status = 'cancelled'
        ELSE FALSE
    END;
END;

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__guard_transition()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    -- Queued means due: a job queued by hand runs now, a queued job moved
    -- into the future waits again.
    IF NEW.status = 'queued' AND NEW.run_at > now() THEN
        IF OLD.status <> 'queued' AND NEW.run_at = OLD.run_at THEN
            NEW.run_at := now();
        ELSE
            NEW.status := 'scheduled';
        END IF;
    END IF;
    IF OLD.status = NEW.status THEN
        RETURN NEW;
    END IF;
    IF NOT jobs_internal.transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'job % cannot go from % to %',
            OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s status=%s', OLD.id, OLD.status),
                HINT = CASE
                    WHEN OLD.status = 'running' AND NEW.status = 'cancelled'
                        THEN 'Use cancel_job: a running job is cancelling until its worker stops.'
                    WHEN jobs_internal.is_finished(OLD.status)
                        THEN 'A finished job does not change status; retry it instead.'
                    ELSE 'See the lifecycle in the jobs description.'
                END;
    END IF;
    IF OLD.waiting AND NEW.status = 'running' THEN
        RAISE EXCEPTION 'job % waits for job % to finish', OLD.id, OLD.after_job_id
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s after_job_id=%s', OLD.id, OLD.after_job_id);
    END IF;
    -- Only a scheduled job waits for another one.
    NEW.waiting := NEW.waiting AND NEW.status = 'scheduled';
    CASE NEW.status
        WHEN 'running' THEN
            -- (Tested here first: the call alone costs a claim 3 µs a job.)
            IF NEW.locks <> '{}' THEN
                PERFORM jobs_internal.assert_locks_held(NEW.id, NEW.locks);
            END IF;
            -- The wall clock, not the transaction's start: a long-poll claim
            -- (claim_jobs' wait_seconds) may have begun long before.
            NEW.started_at := clock_timestamp();
            NEW.ended_at := NULL;
            NEW.attempts := OLD.attempts + 1;
        WHEN 'completed', 'failed', 'cancelled' THEN
            -- A run logged after the fact (etl_jobs) brings its own end.
            NEW.ended_at := coalesce(NEW.ended_at, now());
            NEW.lease_expires_at := NULL;
            IF NEW.status = 'completed' THEN
                NEW.progress := 100;
            END IF;
        WHEN 'queued', 'scheduled' THEN
            NEW.lease_expires_at := NULL;
        ELSE
            NULL;
    END CASE;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER _100_guard_transition
BEFORE UPDATE OF status, run_at ON jobs.job
FOR EACH ROW
WHEN (
    old.status IS DISTINCT FROM new.status
    OR (new.status = 'queued' AND new.run_at > now())
)
EXECUTE FUNCTION jobs_internal.tg_job__guard_transition();

-- A new job starts queued, scheduled (run_at in the future, or waiting for
-- the job named by after_job_id) or running (a run recorded by the process
-- doing it, which then names no locks). Fires only for rows that are not a
-- plain queued submission, so bulk enqueues skip it.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__initial_status()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_after jobs.job_status;
BEGIN
    IF NEW.status NOT IN ('queued', 'scheduled', 'running') THEN
        RAISE EXCEPTION 'a new job cannot start as %', NEW.status
            USING ERRCODE = '22023',
                HINT = 'Submit it as queued, scheduled or running.';
    END IF;
    IF NEW.after_job_id IS NOT NULL THEN
        -- The row lock waits for a concurrent change of that job to commit,
        -- so it cannot finish unseen between this check and our insert. Not
        -- FOR SHARE: two follow-ups of one job would then deadlock when each
        -- sets its next_job_id.
        SELECT j.status INTO v_after
        FROM jobs.job AS j WHERE j.id = NEW.after_job_id
        FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'job % (after_job_id) does not exist', NEW.after_job_id
                USING ERRCODE = 'PT404';
        ELSIF v_after IN ('failed', 'cancelled') THEN
            RAISE EXCEPTION 'job % is already %: a job after it would never run',
                NEW.after_job_id, v_after
                USING ERRCODE = 'PT409',
                    DETAIL = format('job_id=%s status=%s', NEW.after_job_id, v_after);
        ELSIF v_after <> 'completed' THEN
            -- Woken (or cancelled) when that job finishes.
            NEW.status := 'scheduled';
            NEW.waiting := TRUE;
        END IF;
    END IF;
    IF NEW.status = 'queued' AND NEW.run_at > now() THEN
        NEW.status := 'scheduled';
    ELSIF NEW.status = 'running' THEN
        PERFORM jobs_internal.assert_locks_held(NEW.id, NEW.locks);
        NEW.started_at := coalesce(NEW.started_at, now());
        NEW.attempts := greatest(NEW.attempts, 1);
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER _100_initial_status
BEFORE INSERT ON jobs.job
FOR EACH ROW
WHEN (
    new.status <> 'queued'
    OR new.run_at > now()
    OR new.after_job_id IS NOT NULL
)
EXECUTE FUNCTION jobs_internal.tg_job__initial_status();

-- The priority rule in words a person reads; the check constraint stays as
-- the last line of defence. Fires only for the rows it refuses.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__check_priority()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'Priority must be between 1 (low) and 4 (urgent)'
        USING ERRCODE = '22023',
            DETAIL = format('priority=%s', NEW.priority);
END;
$$;

CREATE OR REPLACE TRIGGER _090_check_priority
BEFORE INSERT OR UPDATE OF priority ON jobs.job
FOR EACH ROW
WHEN (new.priority NOT BETWEEN 1 AND 4)
EXECUTE FUNCTION jobs_internal.tg_job__check_priority();

-- The times of a job are real times (not 'infinity' or '-infinity') in words
-- a person reads; the constraints job_*_is_finite stay as the last line of
-- defence. Fires only for the rows it refuses.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__check_times()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_column text;
    v_value timestamptz;
BEGIN
    SELECT t.name, t.value INTO v_column, v_value
    FROM (
        VALUES
        (1, 'run_at', NEW.run_at),
        (2, 'expires_at', NEW.expires_at),
        (3, 'created_at', NEW.created_at),
        (4, 'started_at', NEW.started_at),
        (5, 'ended_at', NEW.ended_at),
        (6, 'lease_expires_at', NEW.lease_expires_at)
    ) AS t (n, name, value)
    WHERE NOT isfinite(t.value)
    ORDER BY t.n
    LIMIT 1;
    RAISE EXCEPTION '% must be a date and time, not %', v_column, v_value
        USING ERRCODE = '22023',
            DETAIL = format('%s=%s', v_column, v_value);
END;
$$;

CREATE OR REPLACE TRIGGER _090_check_times
BEFORE INSERT OR UPDATE OF run_at, expires_at, created_at, started_at, ended_at, lease_expires_at
ON jobs.job
FOR EACH ROW
WHEN (
    NOT isfinite(new.run_at)
    OR NOT isfinite(new.expires_at)
    OR NOT isfinite(new.created_at)
    OR NOT isfinite(new.started_at)
    OR NOT isfinite(new.ended_at)
    OR NOT isfinite(new.lease_expires_at)
)
EXECUTE FUNCTION jobs_internal.tg_job__check_times();

-- Only finished jobs may be deleted; a queued or running one is cancelled
-- first. Fires only for the rows it refuses.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__guard_delete()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'job % is %: only finished jobs can be deleted',
        OLD.id, OLD.status
        USING ERRCODE = 'PT409',
            DETAIL = format('job_id=%s status=%s', OLD.id, OLD.status),
            HINT = 'Cancel it first.';
END;
$$;

CREATE OR REPLACE TRIGGER _100_guard_delete
BEFORE DELETE ON jobs.job
FOR EACH ROW
WHEN (NOT jobs_internal.is_finished(old.status))
EXECUTE FUNCTION jobs_internal.tg_job__guard_delete();
