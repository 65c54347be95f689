--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: api; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA api;


--
-- Name: SCHEMA api; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA api IS 'jobsapi

A database-first jobs API: queue work for workers, watch and manage it, and log ETL runs. Statuses: scheduled, queued, running, completed, failed, cancelling, cancelled.';


--
-- Name: jobs; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA jobs;


--
-- Name: SCHEMA jobs; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA jobs IS 'Private tables of jobsapi; reached through the api schema.';


--
-- Name: jobs_internal; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA jobs_internal;


--
-- Name: SCHEMA jobs_internal; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA jobs_internal IS 'Private functions and trigger functions of jobsapi; declared by sql/ and kept in step by every deploy.';


--
-- Name: */*; Type: DOMAIN; Schema: api; Owner: -
--

CREATE DOMAIN api."*/*" AS bytea;


--
-- Name: DOMAIN "*/*"; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON DOMAIN api."*/*" IS 'PostgREST''s media type handler for any Accept header: a function returning it sets its own Content-Type.';


--
-- Name: job_status; Type: TYPE; Schema: jobs; Owner: -
--

CREATE TYPE jobs.job_status AS ENUM (
    'scheduled',
    'queued',
    'running',
    'completed',
    'failed',
    'cancelling',
    'cancelled'
);


--
-- Name: heartbeat_reply; Type: TYPE; Schema: api; Owner: -
--

CREATE TYPE api.heartbeat_reply AS (
	job_id bigint,
	status jobs.job_status,
	cancel_requested boolean,
	lease_expires_at timestamp with time zone
);


--
-- Name: TYPE heartbeat_reply; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON TYPE api.heartbeat_reply IS 'Answer to heartbeat: cancel_requested true means stop the work now.';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: job_lock; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.job_lock (
    name text NOT NULL,
    job_id bigint,
    worker text,
    acquired_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT job_lock_name_is_short CHECK ((length(name) <= 1000)),
    CONSTRAINT job_lock_name_not_empty CHECK ((name <> ''::text))
);


--
-- Name: job_locks; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.job_locks WITH (security_invoker='true') AS
 SELECT h.name,
    h.job_id,
    h.worker,
    h.acquired_at
   FROM jobs.job_lock h;


--
-- Name: VIEW job_locks; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.job_locks IS 'Job locks

Named locks held now: by a running job (its locks column) or by a script (acquire_lock). A job releases its locks when it stops running. DELETE clears a stale lock by hand (admin): make sure no job that holds it still runs.';


--
-- Name: COLUMN job_locks.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_locks.name IS 'Lock name, e.g. flow:42 or devices.';


--
-- Name: COLUMN job_locks.job_id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_locks.job_id IS 'The job holding it (null for a script''s lock without a job).';


--
-- Name: COLUMN job_locks.worker; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_locks.worker IS 'Worker or caller that took it.';


--
-- Name: COLUMN job_locks.acquired_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_locks.acquired_at IS 'Held since.';


--
-- Name: acquire_lock(text, bigint); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.acquire_lock(name text, job_id bigint DEFAULT NULL::bigint) RETURNS api.job_locks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_lock api.job_locks;
BEGIN
    -- A job's lock lasts while it runs: it is released when the job stops.
    IF job_id IS NOT NULL THEN
        PERFORM jobs_internal.assert_held(job_id, NULL);
    END IF;
    INSERT INTO jobs.job_lock AS h (name, job_id, worker)
    VALUES (acquire_lock.name, acquire_lock.job_id, jobs_internal.current_actor())
    ON CONFLICT ON CONSTRAINT job_lock_pkey DO NOTHING
    RETURNING h.name, h.job_id, h.worker, h.acquired_at INTO v_lock;
    IF FOUND THEN
        RETURN v_lock;
    END IF;
    SELECT * INTO v_lock FROM api.job_locks AS h WHERE h.name = acquire_lock.name;
    -- Taking a lock that this job already holds is not a conflict.
    IF acquire_lock.job_id IS NOT NULL AND v_lock.job_id = acquire_lock.job_id THEN
        RETURN v_lock;
    END IF;
    -- Held by a job or caller this caller may not see (or released since):
    -- say only that.
    IF v_lock.name IS NULL
        OR NOT jobs_internal.lock_is_visible(v_lock.worker, v_lock.job_id) THEN
        RAISE EXCEPTION 'lock % is held by someone else',
            jobs_internal.escape_for_message(acquire_lock.name)
            USING ERRCODE = 'PT409', DETAIL = format('name=%s', acquire_lock.name);
    END IF;
    RAISE EXCEPTION 'lock % is held by %',
        jobs_internal.escape_for_message(acquire_lock.name),
        coalesce('job ' || v_lock.job_id, jobs_internal.escape_for_message(v_lock.worker))
        USING ERRCODE = 'PT409',
            DETAIL = format('name=%s job_id=%s worker=%s since=%s',
                v_lock.name, v_lock.job_id, v_lock.worker, v_lock.acquired_at);
END;
$$;


--
-- Name: FUNCTION acquire_lock(name text, job_id bigint); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.acquire_lock(name text, job_id bigint) IS 'Take a named lock

Takes the lock for job_id, a running job that holds it until it stops (404 for an unknown job, 409 when it is not running), or for the caller when job_id is null, until release_lock. 409 when someone else holds it; the details say who and since when if the caller may see that holder. While it is held, claim_jobs hands out no job that names it in its locks.';


--
-- Name: job; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.job (
    id bigint NOT NULL,
    queue text DEFAULT 'default'::text NOT NULL,
    name text NOT NULL,
    type text DEFAULT 'job'::text NOT NULL,
    status jobs.job_status DEFAULT 'queued'::jobs.job_status NOT NULL,
    priority smallint DEFAULT 2 NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    meta jsonb DEFAULT '{}'::jsonb NOT NULL,
    run_at timestamp with time zone DEFAULT now() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    started_at timestamp with time zone,
    ended_at timestamp with time zone,
    expires_at timestamp with time zone DEFAULT (now() + '30 days'::interval) NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    max_attempts integer,
    progress smallint DEFAULT 0 NOT NULL,
    message text,
    result jsonb,
    error text,
    stacktrace text,
    errors jsonb DEFAULT '[]'::jsonb NOT NULL,
    num_success integer DEFAULT 0 NOT NULL,
    num_error integer DEFAULT 0 NOT NULL,
    num_ignore integer DEFAULT 0 NOT NULL,
    owner text,
    worker text,
    lease_expires_at timestamp with time zone,
    retry_of bigint,
    root_job_id bigint,
    after_job_id bigint,
    next_job_id bigint,
    waiting boolean DEFAULT false NOT NULL,
    locks text[] DEFAULT '{}'::text[] NOT NULL,
    finished_items jsonb DEFAULT '[]'::jsonb NOT NULL,
    schedule_name text,
    fire_at timestamp with time zone,
    CONSTRAINT job_attempts_not_negative CHECK ((attempts >= 0)),
    CONSTRAINT job_created_at_is_finite CHECK (isfinite(created_at)),
    CONSTRAINT job_ended_at_is_finite CHECK (isfinite(ended_at)),
    CONSTRAINT job_errors_is_array CHECK ((jsonb_typeof(errors) = 'array'::text)),
    CONSTRAINT job_expires_at_is_finite CHECK (isfinite(expires_at)),
    CONSTRAINT job_finished_items_is_array CHECK ((jsonb_typeof(finished_items) = 'array'::text)),
    CONSTRAINT job_lease_expires_at_is_finite CHECK (isfinite(lease_expires_at)),
    CONSTRAINT job_locks_are_names CHECK (((array_position(locks, NULL::text) IS NULL) AND (NOT (''::text = ANY (locks))) AND (length(array_to_string(locks, ','::text)) <= 1000))),
    CONSTRAINT job_max_attempts_is_positive CHECK ((max_attempts >= 1)),
    CONSTRAINT job_name_is_short CHECK ((length(name) <= 1000)),
    CONSTRAINT job_name_not_empty CHECK ((name <> ''::text)),
    CONSTRAINT job_not_after_itself CHECK ((after_job_id <> id)),
    CONSTRAINT job_num_error_not_negative CHECK ((num_error >= 0)),
    CONSTRAINT job_num_ignore_not_negative CHECK ((num_ignore >= 0)),
    CONSTRAINT job_num_success_not_negative CHECK ((num_success >= 0)),
    CONSTRAINT job_priority_in_range CHECK (((priority >= 1) AND (priority <= 4))),
    CONSTRAINT job_progress_in_range CHECK (((progress >= 0) AND (progress <= 100))),
    CONSTRAINT job_queue_is_short CHECK ((length(queue) <= 200)),
    CONSTRAINT job_queue_not_empty CHECK ((queue <> ''::text)),
    CONSTRAINT job_run_at_is_finite CHECK (isfinite(run_at)),
    CONSTRAINT job_started_at_is_finite CHECK (isfinite(started_at)),
    CONSTRAINT job_type_not_empty CHECK ((type <> ''::text))
)
WITH (autovacuum_vacuum_scale_factor='0.01', autovacuum_vacuum_insert_scale_factor='0.01', autovacuum_analyze_scale_factor='0.02');


--
-- Name: jobs; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.jobs WITH (security_invoker='true') AS
 SELECT j.id,
    j.queue,
    j.name,
    j.type,
    j.status,
    j.priority,
    j.payload,
    j.meta,
    j.run_at,
    j.created_at,
    j.started_at,
    j.ended_at,
    j.expires_at,
    j.attempts,
    j.max_attempts,
    j.progress,
    j.message,
    j.result,
    j.error,
    j.stacktrace,
    j.errors,
    j.num_success,
    j.num_error,
    j.num_ignore,
    j.owner,
    j.worker,
    j.lease_expires_at,
    j.locks,
    j.finished_items,
    j.retry_of,
    j.root_job_id,
    j.after_job_id,
    j.next_job_id,
    j.waiting,
    j.schedule_name,
    j.fire_at
   FROM jobs.job j;


--
-- Name: VIEW jobs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.jobs IS 'Jobs

One row per job. POST submits one job or an array of up to 10,000 jobs (one transaction; more: 413); a run_at in the future makes a job scheduled. PATCH changes the fields a caller may change; a status change obeys the transition rules (409 otherwise). DELETE removes finished jobs only (409 otherwise, and while a retry or follow-up of the job has not finished), with their events, files and locks; the retries of a deleted job then point past it.';


--
-- Name: COLUMN jobs.id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.id IS 'Job id, assigned by the database.';


--
-- Name: COLUMN jobs.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.queue IS 'Queue the job waits in (default: default). A queue exists once a job names it.';


--
-- Name: COLUMN jobs.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.name IS 'What the job does, e.g. the function or ETL name. Not empty.';


--
-- Name: COLUMN jobs.type; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.type IS 'Kind of job: export, import, flow, retry, etl or any label (default: job).';


--
-- Name: COLUMN jobs.status; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.status IS 'scheduled, queued, running, completed, failed, cancelling or cancelled.';


--
-- Name: COLUMN jobs.priority; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.priority IS '1 low, 2 normal (default), 3 high, 4 urgent. Higher priorities are claimed first.';


--
-- Name: COLUMN jobs.payload; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.payload IS 'Input for the worker (any JSON, nested at most 64 deep: 400; at most the queue''s max_payload_bytes, 1 MB by default: 413).';


--
-- Name: COLUMN jobs.meta; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.meta IS 'Free-form labels: integration, flow, export and import ids, comment, ticket reference (nested at most 64 deep, at most the queue''s max_payload_bytes).';


--
-- Name: COLUMN jobs.run_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.run_at IS 'Earliest time the job may run (default: now).';


--
-- Name: COLUMN jobs.created_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.created_at IS 'When the job was submitted.';


--
-- Name: COLUMN jobs.started_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.started_at IS 'When the current or last attempt started.';


--
-- Name: COLUMN jobs.ended_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.ended_at IS 'When the job finished (completed, failed or cancelled).';


--
-- Name: COLUMN jobs.expires_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.expires_at IS 'When the finished job may be pruned (default: 30 days after submission).';


--
-- Name: COLUMN jobs.attempts; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.attempts IS 'Attempts started so far.';


--
-- Name: COLUMN jobs.max_attempts; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.max_attempts IS 'Attempts allowed before the job fails for good; null means the max_attempts of its queue (default 3).';


--
-- Name: COLUMN jobs.progress; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.progress IS 'Percent done, 0 to 100, reported by the worker.';


--
-- Name: COLUMN jobs.message; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.message IS 'Latest human-readable message from the worker (at most 10,000 characters: 413).';


--
-- Name: COLUMN jobs.result; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.result IS 'Result returned by the worker (any JSON, nested at most 64 deep, at most the queue''s max_payload_bytes).';


--
-- Name: COLUMN jobs.error; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.error IS 'Error of the latest failed attempt (at most 10,000 characters).';


--
-- Name: COLUMN jobs.stacktrace; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.stacktrace IS 'Stack trace of the latest failed attempt (at most 100,000 characters).';


--
-- Name: COLUMN jobs.errors; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.errors IS 'Every failed attempt: attempt, at, error, stacktrace.';


--
-- Name: COLUMN jobs.num_success; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.num_success IS 'Records processed successfully.';


--
-- Name: COLUMN jobs.num_error; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.num_error IS 'Records that failed; a completed job with errors is retriable.';


--
-- Name: COLUMN jobs.num_ignore; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.num_ignore IS 'Records ignored.';


--
-- Name: COLUMN jobs.owner; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.owner IS 'Who submitted the job.';


--
-- Name: COLUMN jobs.worker; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.worker IS 'Worker that holds or last held the job.';


--
-- Name: COLUMN jobs.lease_expires_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.lease_expires_at IS 'A running job whose lease passes without a heartbeat is rescued by reap_expired_leases.';


--
-- Name: COLUMN jobs.locks; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.locks IS 'Lock names this job holds while it runs: claim_jobs starts it only when no running job holds any of them (e.g. flow:42 for one running job per flow).';


--
-- Name: COLUMN jobs.finished_items; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.finished_items IS 'Items finished so far, appended by heartbeat while the job runs.';


--
-- Name: COLUMN jobs.retry_of; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.retry_of IS 'The job this one retries (type retry).';


--
-- Name: COLUMN jobs.root_job_id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.root_job_id IS 'The original job of a chain of retries.';


--
-- Name: COLUMN jobs.after_job_id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.after_job_id IS 'Run only after this job completes; cancelled if it fails or is cancelled.';


--
-- Name: COLUMN jobs.next_job_id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.next_job_id IS 'The first job submitted to run after this one.';


--
-- Name: COLUMN jobs.waiting; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.waiting IS 'True while the job waits for after_job_id to finish.';


--
-- Name: COLUMN jobs.schedule_name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.schedule_name IS 'The recurring schedule that enqueued this job (see schedules), else null.';


--
-- Name: COLUMN jobs.fire_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.jobs.fire_at IS 'The fire time of its schedule this job is for (one job per fire time), else null.';


--
-- Name: cancel_job(bigint); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.cancel_job(job_id bigint) RETURNS api.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_status jobs.job_status := (jobs_internal.get_job_in_scope(job_id)).status;
    v_job api.jobs;
BEGIN
    IF jobs_internal.is_finished(v_status) THEN
        RAISE EXCEPTION 'job % has already finished: it is %', job_id, v_status
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s status=%s', job_id, v_status);
    END IF;
    -- A running job is told through its next heartbeat or report.
    UPDATE jobs.job AS j
    SET status = CASE
        WHEN j.status IN ('running', 'cancelling') THEN 'cancelling'
        ELSE 'cancelled'
    END::jobs.job_status
    WHERE j.id = job_id;

    SELECT * INTO v_job FROM api.jobs AS v WHERE v.id = job_id;
    RETURN v_job;
END;
$$;


--
-- Name: FUNCTION cancel_job(job_id bigint); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.cancel_job(job_id bigint) IS 'Cancel a job

A scheduled or queued job becomes cancelled at once. A running job becomes cancelling; its worker learns it at its next heartbeat or report, and the job then becomes cancelled. 404 for an unknown job, 409 for a job that already finished (cancelled included). Cancelling a cancelling job changes nothing.';


--
-- Name: claim_jobs(text[], text, integer, integer, numeric); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.claim_jobs(queues text[] DEFAULT NULL::text[], worker text DEFAULT NULL::text, max_jobs integer DEFAULT 1, lease_seconds integer DEFAULT 300, wait_seconds numeric DEFAULT 0) RETURNS SETOF api.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    v_worker text := coalesce(nullif(worker, ''), jobs_internal.current_actor());
    v_queues text[] := jobs_internal.claimable_queues(queues);
    v_ids bigint[];
    v_deadline timestamptz;
    v_waiting boolean := FALSE;
BEGIN
    IF max_jobs IS NULL OR max_jobs NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'max_jobs must be between 1 and 1000, not %', max_jobs
            USING ERRCODE = '22023';
    END IF;
    IF lease_seconds IS NULL OR lease_seconds NOT BETWEEN 1 AND 86400 THEN
        RAISE EXCEPTION 'lease_seconds must be between 1 and 86400, not %',
            lease_seconds
            USING ERRCODE = '22023';
    END IF;

    IF wait_seconds IS NULL OR wait_seconds NOT BETWEEN 0 AND 30 THEN
        RAISE EXCEPTION 'wait_seconds must be between 0 and 30, not %', wait_seconds
            USING ERRCODE = '22023';
    END IF;
    v_deadline := clock_timestamp() + make_interval(secs => wait_seconds);

    -- No housekeeping here: maintenance (api.run_maintenance) rescues
    -- expired leases and queues due jobs; a due scheduled job is taken
    -- directly (pick_due_jobs.sql).
    -- A long poll (wait_seconds > 0): look again every 10 ms until a job is
    -- due or the time is up, for a worker that cannot LISTEN (over HTTP).
    -- Each statement here sees what committed since the last. Only a few
    -- claims wait at once (claim_wait_slot), so that waiting never takes all
    -- of PostgREST's connections; the others answer at once.
    -- A look that finds nothing is rolled back (a block with an exception
    -- handler is a subtransaction), and with it its locks on jobs.job: a
    -- waiting claim holds no table lock, so a deploy or an ALTER TABLE
    -- never waits for idle workers. One that finds jobs keeps its locks.
    LOOP
        IF wait_seconds = 0 THEN
            v_ids := jobs_internal.pick_due_jobs(v_queues, max_jobs);
        ELSE
            BEGIN
                v_ids := jobs_internal.pick_due_jobs(v_queues, max_jobs);
                IF v_ids = '{}' THEN
                    RAISE SQLSTATE 'JW000';
                END IF;
            EXCEPTION WHEN SQLSTATE 'JW000' THEN
                NULL;
            END;
        END IF;
        EXIT WHEN v_ids <> '{}' OR clock_timestamp() >= v_deadline;
        IF NOT v_waiting THEN
            v_waiting := jobs_internal.claim_wait_slot();
            EXIT WHEN NOT v_waiting;
        END IF;
        PERFORM pg_sleep(0.01);
    END LOOP;
    -- After the wait: the worker's row stays locked from here to the end
    -- of the claim, and a heartbeat of the same worker must not wait on it.
    PERFORM jobs_internal.see_worker(v_worker, v_queues);
    IF EXISTS (
        SELECT FROM jobs.job AS j WHERE j.id = ANY(v_ids) AND j.locks <> '{}'
    ) THEN
        v_ids := jobs_internal.take_job_locks(v_ids, v_worker);
    END IF;
    UPDATE jobs.job AS j
    SET
        status = 'running',
        worker = v_worker,
        -- From now, not from when a long poll began.
        lease_expires_at = clock_timestamp() + make_interval(secs => lease_seconds)
    WHERE j.id = ANY(v_ids);

    RETURN QUERY
    SELECT * FROM api.jobs AS v
    WHERE v.id = ANY(v_ids)
    ORDER BY v.priority DESC, v.run_at ASC, v.id ASC;
END;
$$;


--
-- Name: FUNCTION claim_jobs(queues text[], worker text, max_jobs integer, lease_seconds integer, wait_seconds numeric); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.claim_jobs(queues text[], worker text, max_jobs integer, lease_seconds integer, wait_seconds numeric) IS 'Claim due jobs for a worker

Hands up to max_jobs (1-1000) due jobs (queued, or scheduled with run_at come) of the given queues (when null: every queue the token allows) to the worker: highest priority first, then oldest. Skips paused queues and jobs whose named locks another running job holds (the claimed job then holds them). Each job becomes running under a lease of lease_seconds; report with heartbeat, complete_job or fail_job before it ends. Two concurrent callers never get the same job. With wait_seconds (0-30) and nothing due, it waits that long for a job to come due before it answers (a long poll, for workers over HTTP, which cannot LISTEN): a job submitted meanwhile is handed out within about 10 ms. At most jobsapi.max_waiting_claims claims (default 4) wait at once, so that waiting claims never hold all of PostgREST''s connections; the others answer at once. A waiting claim holds no lock on the jobs table. 403 for a queue the worker token does not allow (its queues claim).';


--
-- Name: cleanup_jobs(integer); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.cleanup_jobs(max_age_hours integer DEFAULT 24) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_jobs bigint;
    v_bytes numeric;
BEGIN
    IF max_age_hours IS NULL OR max_age_hours NOT BETWEEN 1 AND 168 THEN
        RAISE EXCEPTION 'max_age_hours must be between 1 and 168, not %', max_age_hours
            USING ERRCODE = '22023';
    END IF;
    -- Files are counted before the delete takes them with their jobs.
    WITH doomed AS (
        SELECT j.id FROM jobs.job AS j
        WHERE
            j.status IN ('completed', 'failed', 'cancelled')
            AND j.ended_at < now() - make_interval(hours => max_age_hours)
            AND NOT jobs_internal.retention_keeps(j.id, j.name, j.owner, j.status, j.started_at)
        FOR UPDATE SKIP LOCKED
    ),

    freed AS (
        SELECT coalesce(sum(f.size_bytes), 0) AS bytes
        FROM jobs.job_file AS f
        WHERE f.job_id IN (SELECT d.id FROM doomed AS d)
    ),

    gone AS (
        DELETE FROM jobs.job AS j USING doomed AS d WHERE j.id = d.id
        RETURNING j.id
    )

    SELECT (SELECT count(*) FROM gone), (SELECT fr.bytes FROM freed AS fr)
    INTO v_jobs, v_bytes;

    RETURN jsonb_build_object(
        'cleaned_jobs', v_jobs,
        'freed_space_mb', round(v_bytes / 1048576, 2),
        'message', format(
            'Deleted %s finished jobs older than %s hours', v_jobs, max_age_hours
        )
    );
END;
$$;


--
-- Name: FUNCTION cleanup_jobs(max_age_hours integer); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.cleanup_jobs(max_age_hours integer) IS 'Delete old finished jobs

Deletes completed, failed and cancelled jobs that ended more than max_age_hours ago (1 to 168, default 24; 400 outside that range), with their events, files and locks. Never touches a job that is waiting or running, nor what retention keeps (as prune_jobs: the newest completed run and the newest job of each name, a job with unfinished retries or follow-ups). Answers {cleaned_jobs, freed_space_mb (from the recorded sizes of their files), message}.';


--
-- Name: complete_job(bigint, text, jsonb, integer, integer, integer, text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.complete_job(job_id bigint, worker text DEFAULT NULL::text, result jsonb DEFAULT NULL::jsonb, num_success integer DEFAULT NULL::integer, num_error integer DEFAULT NULL::integer, num_ignore integer DEFAULT NULL::integer, message text DEFAULT NULL::text) RETURNS api.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_job api.jobs;
BEGIN
    SELECT * INTO v_job
    FROM api.complete_jobs(
        jsonb_build_array(jsonb_build_object(
            'job_id', job_id,
            'result', result,
            'num_success', num_success,
            'num_error', num_error,
            'num_ignore', num_ignore,
            'message', message
        )),
        worker
    );
    IF NOT FOUND THEN
        PERFORM jobs_internal.assert_held(job_id, worker);
    END IF;
    RETURN v_job;
END;
$$;


--
-- Name: FUNCTION complete_job(job_id bigint, worker text, result jsonb, num_success integer, num_error integer, num_ignore integer, message text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.complete_job(job_id bigint, worker text, result jsonb, num_success integer, num_error integer, num_ignore integer, message text) IS 'Complete a job

The worker holding the job reports it done with its result and counters. A job whose cancel was asked ends cancelled. 404 for an unknown job, 409 when it is not running or is held by another worker.';


--
-- Name: complete_jobs(jsonb, text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.complete_jobs(results jsonb, worker text DEFAULT NULL::text) RETURNS SETOF api.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    -- The ids first, so that the update finds its rows by primary key
    -- whatever the statistics say about running jobs.
    v_wanted bigint[] := ARRAY(
        SELECT (e ->> 'job_id')::bigint FROM jsonb_array_elements(results) AS e
    );
    v_results jsonb;
    v_ids bigint[];
    v_everything boolean;
    v_queues text[];
BEGIN
    SELECT s.everything, s.queues INTO v_everything, v_queues
    FROM jobs_internal.caller_scope() AS s;
    -- Every result is read once, here, so that a malformed one refuses the
    -- whole batch; the update then looks each job's up by its id. Joined to
    -- the results instead, the update was planned as a nested loop that read
    -- all of them again for each job: 4,000 took 1.4 s.
    SELECT jsonb_object_agg(r.job_id, to_jsonb(r)) INTO v_results
    FROM jsonb_to_recordset(results) AS r (
        job_id bigint,
        result jsonb,
        num_success integer,
        num_error integer,
        num_ignore integer,
        message text
    )
    WHERE r.job_id IS NOT NULL;
    -- A job whose cancel was asked ends cancelled, keeping what it did.
    WITH done AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled' ELSE 'completed'
            END::jobs.job_status,
            result = coalesce(
                nullif(v_results -> j.id::text -> 'result', 'null'), j.result
            ),
            num_success = coalesce(
                (v_results -> j.id::text ->> 'num_success')::integer, j.num_success
            ),
            num_error = coalesce(
                (v_results -> j.id::text ->> 'num_error')::integer, j.num_error
            ),
            num_ignore = coalesce(
                (v_results -> j.id::text ->> 'num_ignore')::integer, j.num_ignore
            ),
            message = coalesce(v_results -> j.id::text ->> 'message', j.message)
        WHERE
            j.id = ANY(v_wanted)
            -- Compared as text: on the enum, the test would let the planner
            -- read the whole of job_lease_idx (every running job, and under a
            -- long-held snapshot every job that ever ran) instead of these
            -- rows by primary key.
            AND j.status::text IN ('running', 'cancelling')
            AND (complete_jobs.worker IS NULL OR j.worker = complete_jobs.worker)
            AND (v_everything OR j.queue = ANY(v_queues))
        RETURNING j.id
    )
    SELECT array_agg(d.id) INTO v_ids FROM done AS d;

    RETURN QUERY SELECT * FROM api.jobs AS v WHERE v.id = ANY(v_ids);
END;
$$;


--
-- Name: FUNCTION complete_jobs(results jsonb, worker text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.complete_jobs(results jsonb, worker text) IS 'Complete many jobs at once

results is a JSON array of objects {job_id, result, num_success, num_error, num_ignore, message}; omitted fields keep their value. Jobs that are not running (or are held by another worker) are skipped; the answer lists the jobs that were completed (or cancelled, when a cancel was asked).';


--
-- Name: dashboard_file(text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.dashboard_file(name text) RETURNS api."*/*"
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
    v_file jobs.dashboard_file;
    v_etag text;
    v_headers jsonb;
BEGIN
    SELECT f.* INTO v_file FROM jobs.dashboard_file AS f WHERE f.name = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the dashboard has no file %', $1
            USING ERRCODE = 'PT404',
                HINT = 'The deploy loads the files of dashboard/: run jobsapi migrate.';
    END IF;
    v_etag := format('"%s"', left(v_file.sha256, 32));
    v_headers := jsonb_build_array(
        jsonb_build_object('Content-Type', v_file.media_type),
        jsonb_build_object('ETag', v_etag),
        -- Ask every time; the ETag makes the answer an empty 304.
        jsonb_build_object('Cache-Control', 'no-cache'),
        jsonb_build_object('X-Content-Type-Options', 'nosniff')
    );
    IF v_file.media_type LIKE 'text/html%' THEN
        -- The page holds a token: it may load and call only its own origin.
        v_headers := v_headers || jsonb_build_array(
            jsonb_build_object(
                'Content-Security-Policy',
                'default-src ''self''; img-src ''self'' data:; frame-ancestors ''none'''
            ),
            jsonb_build_object('Referrer-Policy', 'no-referrer')
        );
    END IF;
    PERFORM set_config('response.headers', v_headers::text, TRUE);
    IF nullif(current_setting('request.headers', TRUE), '')::jsonb ->> 'if-none-match'
        = v_etag THEN
        PERFORM set_config('response.status', '304', TRUE);
        RETURN NULL;
    END IF;
    RETURN v_file.body;
END;
$_$;


--
-- Name: FUNCTION dashboard_file(name text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.dashboard_file(name text) IS 'A file of the dashboard

The page''s scripts, style sheets and images, with their media type. Needs no token. GET /rpc/dashboard_file?name=app.js';


--
-- Name: dashboard(); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.dashboard() RETURNS api."*/*"
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT api.dashboard_file('index.html'::text) AS dashboard_file;
END;


--
-- Name: FUNCTION dashboard(); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.dashboard() IS 'The dashboard

A web page over this API: queues, throughput, jobs, workers, locks, ETL runs and schedules. Open it in a browser and give it a token (pasted, or as #token=... in the address); it calls the routes with that token, so it shows and does what the token may. Needs no token itself. GET /rpc/dashboard';


--
-- Name: duration(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.duration(api.jobs) RETURNS numeric
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT round(EXTRACT(epoch FROM (COALESCE(($1).ended_at, now()) - ($1).started_at)), 3) AS round;
END;


--
-- Name: FUNCTION duration(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.duration(api.jobs) IS 'Seconds from start to end (so far, if running); null before the first start.';


--
-- Name: estimated_remaining(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.estimated_remaining(api.jobs) RETURNS numeric
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT
         CASE
             WHEN (($1).status = 'completed'::jobs.job_status) THEN (0)::numeric
             WHEN ((($1).status = 'running'::jobs.job_status) AND (($1).progress > 0)) THEN round(((EXTRACT(epoch FROM (now() - ($1).started_at)) * ((100 - ($1).progress))::numeric) / (($1).progress)::numeric), 3)
             ELSE NULL::numeric
         END AS "case";
END;


--
-- Name: FUNCTION estimated_remaining(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.estimated_remaining(api.jobs) IS 'Seconds left for a running job, from its progress rate so far; 0 when completed, null when unknown.';


--
-- Name: job_event; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.job_event (
    id bigint NOT NULL,
    job_id bigint NOT NULL,
    from_status jobs.job_status,
    to_status jobs.job_status NOT NULL,
    happened_at timestamp with time zone DEFAULT now() NOT NULL,
    actor text,
    message text
);


--
-- Name: job_events; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.job_events WITH (security_invoker='true') AS
 SELECT e.id,
    e.job_id,
    e.from_status,
    e.to_status,
    e.happened_at,
    e.actor,
    e.message
   FROM jobs.job_event e;


--
-- Name: VIEW job_events; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.job_events IS 'Job events

Every status transition of every job: submission (from_status null), claims, completions, failures, retries, cancels. Written by the database; read-only.';


--
-- Name: COLUMN job_events.id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_events.id IS 'Event id; increases with time.';


--
-- Name: COLUMN job_events.job_id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_events.job_id IS 'The job that changed.';


--
-- Name: COLUMN job_events.from_status; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_events.from_status IS 'Status before; null when the job was submitted.';


--
-- Name: COLUMN job_events.to_status; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_events.to_status IS 'Status after.';


--
-- Name: COLUMN job_events.happened_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_events.happened_at IS 'When the transition happened.';


--
-- Name: COLUMN job_events.actor; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_events.actor IS 'Who made it: the JWT subject, else the database role.';


--
-- Name: COLUMN job_events.message; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_events.message IS 'The error of a failed attempt, else the job message at that moment.';


--
-- Name: events(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.events(api.jobs) RETURNS SETOF api.job_events
    LANGUAGE sql STABLE ROWS 10
    BEGIN ATOMIC
 SELECT e.id,
     e.job_id,
     e.from_status,
     e.to_status,
     e.happened_at,
     e.actor,
     e.message
    FROM api.job_events e
   WHERE (e.job_id = ($1).id)
   ORDER BY e.id;
END;


--
-- Name: FUNCTION events(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.events(api.jobs) IS 'The transitions of a job, oldest first (embed with select=*,events(*)).';


--
-- Name: fail_job(bigint, text, text, text, boolean); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.fail_job(job_id bigint, worker text DEFAULT NULL::text, error text DEFAULT NULL::text, stacktrace text DEFAULT NULL::text, retry boolean DEFAULT true) RETURNS api.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_job api.jobs;
BEGIN
    SELECT * INTO v_job
    FROM api.fail_jobs(
        jsonb_build_array(jsonb_build_object(
            'job_id', job_id,
            'error', error,
            'stacktrace', stacktrace,
            'retry', retry
        )),
        worker
    );
    IF NOT FOUND THEN
        PERFORM jobs_internal.assert_held(job_id, worker);
    END IF;
    RETURN v_job;
END;
$$;


--
-- Name: FUNCTION fail_job(job_id bigint, worker text, error text, stacktrace text, retry boolean); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.fail_job(job_id bigint, worker text, error text, stacktrace text, retry boolean) IS 'Fail a job''s attempt

The worker holding the job reports an error. While attempts remain (and retry is true) the job is scheduled again after backoff_seconds * 2^(attempts - 1) of its queue; otherwise it fails for good. A job whose cancel was asked ends cancelled. 404 for an unknown job, 409 when it is not running or is held by another worker.';


--
-- Name: fail_jobs(jsonb, text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.fail_jobs(failures jsonb, worker text DEFAULT NULL::text) RETURNS SETOF api.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    -- The ids first, so that the update finds its rows by primary key
    -- whatever the statistics say about running jobs.
    v_wanted bigint[] := ARRAY(
        SELECT (e ->> 'job_id')::bigint FROM jsonb_array_elements(failures) AS e
    );
    v_failures jsonb;
    v_ids bigint[];
    v_everything boolean;
    v_queues text[];
BEGIN
    SELECT s.everything, s.queues INTO v_everything, v_queues
    FROM jobs_internal.caller_scope() AS s;
    -- Each failure by its job's id, as in complete_jobs.
    SELECT jsonb_object_agg(f.job_id, to_jsonb(f)) INTO v_failures
    FROM jsonb_to_recordset(failures) AS f (
        job_id bigint, error text, stacktrace text, retry boolean
    )
    WHERE f.job_id IS NOT NULL;
    WITH failed AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled'
                WHEN coalesce((v_failures -> j.id::text ->> 'retry')::boolean, TRUE) AND j.attempts < coalesce(j.max_attempts, q.max_attempts)
                    THEN 'scheduled'
                ELSE 'failed'
            END::jobs.job_status,
            run_at = CASE
                WHEN
                    j.status = 'running'
                    AND coalesce((v_failures -> j.id::text ->> 'retry')::boolean, TRUE)
                    AND j.attempts < coalesce(j.max_attempts, q.max_attempts)
                    THEN now() + jobs_internal.backoff(
                        j.attempts, q.backoff_seconds, q.max_backoff_seconds
                    )
                ELSE j.run_at
            END,
            error = v_failures -> j.id::text ->> 'error',
            stacktrace = v_failures -> j.id::text ->> 'stacktrace',
            errors = j.errors || jobs_internal.error_entry(
                j.attempts,
                v_failures -> j.id::text ->> 'error',
                v_failures -> j.id::text ->> 'stacktrace'
            )
        FROM jobs.queue AS q
        WHERE
            j.id = ANY(v_wanted)
            AND q.name = j.queue
            -- Compared as text: on the enum, the test would let the planner
            -- read the whole of job_lease_idx (every running job, and under a
            -- long-held snapshot every job that ever ran) instead of these
            -- rows by primary key.
            AND j.status::text IN ('running', 'cancelling')
            AND (fail_jobs.worker IS NULL OR j.worker = fail_jobs.worker)
            AND (v_everything OR j.queue = ANY(v_queues))
        RETURNING j.id
    )
    SELECT array_agg(d.id) INTO v_ids FROM failed AS d;

    RETURN QUERY SELECT * FROM api.jobs AS v WHERE v.id = ANY(v_ids);
END;
$$;


--
-- Name: FUNCTION fail_jobs(failures jsonb, worker text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.fail_jobs(failures jsonb, worker text) IS 'Fail many attempts at once

failures is a JSON array of objects {job_id, error, stacktrace, retry}. Each job goes back to scheduled with exponential backoff while attempts remain (max_attempts of the job, else of its queue) and retry is not false, else to failed; every attempt''s error is kept in errors. Jobs that are not running (or are held by another worker) are skipped.';


--
-- Name: job_file; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.job_file (
    id bigint NOT NULL,
    job_id bigint NOT NULL,
    kind text DEFAULT 'file'::text NOT NULL,
    name text NOT NULL,
    host text,
    path text,
    size_bytes bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT job_file_kind_is_known CHECK ((kind = ANY (ARRAY['file'::text, 'log'::text]))),
    CONSTRAINT job_file_name_not_empty CHECK ((name <> ''::text)),
    CONSTRAINT job_file_size_not_negative CHECK ((size_bytes >= 0))
);


--
-- Name: job_files; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.job_files WITH (security_invoker='true') AS
 SELECT f.id,
    f.job_id,
    f.kind,
    f.name,
    f.host,
    f.path,
    f.size_bytes,
    f.created_at
   FROM jobs.job_file f;


--
-- Name: VIEW job_files; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.job_files IS 'Job files

Files and logs a job produced or used: name, host, path and size. POST attaches one (or an array); they are deleted with their job. Embed them with GET /jobs?select=*,files(*).';


--
-- Name: COLUMN job_files.id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.id IS 'File id.';


--
-- Name: COLUMN job_files.job_id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.job_id IS 'The job it belongs to.';


--
-- Name: COLUMN job_files.kind; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.kind IS 'file or log.';


--
-- Name: COLUMN job_files.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.name IS 'File name.';


--
-- Name: COLUMN job_files.host; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.host IS 'Host that holds it.';


--
-- Name: COLUMN job_files.path; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.path IS 'Path on that host.';


--
-- Name: COLUMN job_files.size_bytes; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.size_bytes IS 'Size in bytes.';


--
-- Name: COLUMN job_files.created_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_files.created_at IS 'When it was attached.';


--
-- Name: files(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.files(api.jobs) RETURNS SETOF api.job_files
    LANGUAGE sql STABLE ROWS 5
    BEGIN ATOMIC
 SELECT f.id,
     f.job_id,
     f.kind,
     f.name,
     f.host,
     f.path,
     f.size_bytes,
     f.created_at
    FROM api.job_files f
   WHERE (f.job_id = ($1).id)
   ORDER BY f.id;
END;


--
-- Name: FUNCTION files(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.files(api.jobs) IS 'Files and logs attached to a job (embed with select=*,files(*)).';


--
-- Name: heartbeat(bigint, text, integer, text, jsonb, integer, jsonb); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.heartbeat(job_id bigint, worker text DEFAULT NULL::text, progress integer DEFAULT NULL::integer, message text DEFAULT NULL::text, result jsonb DEFAULT NULL::jsonb, lease_seconds integer DEFAULT 300, finished_items jsonb DEFAULT NULL::jsonb) RETURNS api.heartbeat_reply
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_reply api.heartbeat_reply;
BEGIN
    -- One job's heartbeat is heartbeat_jobs with one beat; what this adds
    -- is an error for a job the worker does not hold.
    SELECT * INTO v_reply
    FROM api.heartbeat_jobs(
        jsonb_build_array(jsonb_build_object(
            'job_id', job_id,
            'progress', progress,
            'message', message,
            'result', result,
            'finished_items', finished_items
        )),
        worker,
        lease_seconds
    );
    IF NOT FOUND THEN
        PERFORM jobs_internal.assert_held(job_id, worker);
    END IF;
    IF worker IS NULL THEN
        PERFORM jobs_internal.see_worker(
            (SELECT j.worker FROM jobs.job AS j WHERE j.id = job_id), NULL
        );
    END IF;
    RETURN v_reply;
END;
$$;


--
-- Name: FUNCTION heartbeat(job_id bigint, worker text, progress integer, message text, result jsonb, lease_seconds integer, finished_items jsonb); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.heartbeat(job_id bigint, worker text, progress integer, message text, result jsonb, lease_seconds integer, finished_items jsonb) IS 'Report progress and extend the lease

Called by the worker holding a running job: sets progress (0-100) and message when given, merges result into the job''s result (readers see it while the job runs), appends finished_items (one item or an array) to the job''s list, and extends the lease by lease_seconds. cancel_requested true means a cancel was asked: the job is now cancelled and the worker should stop. 404 for an unknown job, 409 when the job is not running or is held by another worker.';


--
-- Name: heartbeat_jobs(jsonb, text, integer); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.heartbeat_jobs(beats jsonb, worker text DEFAULT NULL::text, lease_seconds integer DEFAULT 300) RETURNS SETOF api.heartbeat_reply
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    -- The ids first, so that the update finds its rows by primary key
    -- whatever the statistics say about running jobs.
    v_wanted bigint[] := ARRAY(
        SELECT (e ->> 'job_id')::bigint FROM jsonb_array_elements(beats) AS e
    );
    v_beats jsonb;
    v_everything boolean;
    v_queues text[];
BEGIN
    SELECT s.everything, s.queues INTO v_everything, v_queues
    FROM jobs_internal.caller_scope() AS s;
    IF lease_seconds IS NULL OR lease_seconds NOT BETWEEN 1 AND 86400 THEN
        RAISE EXCEPTION 'lease_seconds must be between 1 and 86400, not %',
            lease_seconds
            USING ERRCODE = '22023';
    END IF;
    IF worker IS NOT NULL THEN
        PERFORM jobs_internal.see_worker(worker, NULL);
    END IF;
    -- Each beat by its job's id, as in complete_jobs.
    SELECT jsonb_object_agg(b.job_id, to_jsonb(b)) INTO v_beats
    FROM jsonb_to_recordset(beats) AS b (
        job_id bigint,
        progress integer,
        message text,
        result jsonb,
        finished_items jsonb
    )
    WHERE b.job_id IS NOT NULL;
    -- As heartbeat: a cancelling job becomes cancelled here, the worker now
    -- knows.
    RETURN QUERY
    WITH beaten AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled' ELSE j.status
            END::jobs.job_status,
            progress = coalesce(
                (v_beats -> j.id::text ->> 'progress')::integer, j.progress
            ),
            message = coalesce(v_beats -> j.id::text ->> 'message', j.message),
            result = coalesce(
                coalesce(j.result, '{}') || nullif(v_beats -> j.id::text -> 'result', 'null'),
                j.result
            ),
            finished_items = CASE
                WHEN nullif(v_beats -> j.id::text -> 'finished_items', 'null') IS NULL
                    THEN j.finished_items
                WHEN jsonb_typeof(v_beats -> j.id::text -> 'finished_items') = 'array'
                    THEN j.finished_items || (v_beats -> j.id::text -> 'finished_items')
                ELSE
                    j.finished_items
                    || jsonb_build_array(v_beats -> j.id::text -> 'finished_items')
            END,
            lease_expires_at = now() + make_interval(secs => lease_seconds)
        WHERE
            j.id = ANY(v_wanted)
            -- Compared as text: on the enum, the test would let the planner
            -- read the whole of job_lease_idx (every running job, and under a
            -- long-held snapshot every job that ever ran) instead of these
            -- rows by primary key.
            AND j.status::text IN ('running', 'cancelling')
            AND (heartbeat_jobs.worker IS NULL OR j.worker = heartbeat_jobs.worker)
            AND (v_everything OR j.queue = ANY(v_queues))
        RETURNING j.id, j.status, j.status = 'cancelled' AS cancel_requested, j.lease_expires_at
    )

    SELECT b.id, b.status, b.cancel_requested, b.lease_expires_at
    FROM beaten AS b
    ORDER BY b.id;
END;
$$;


--
-- Name: FUNCTION heartbeat_jobs(beats jsonb, worker text, lease_seconds integer); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.heartbeat_jobs(beats jsonb, worker text, lease_seconds integer) IS 'Report on many running jobs at once

beats is a JSON array of objects {job_id, progress, message, result, finished_items}, each as in heartbeat; omitted fields keep their value. Extends the lease of each job the worker holds by lease_seconds and answers one heartbeat reply per such job: cancel_requested true means a cancel was asked, the job is now cancelled and its work should stop. Jobs that are not running (or are held by another worker) are skipped: a job missing from the answer is no longer the worker''s.';


--
-- Name: last_success(text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.last_success(name text) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT max(j.started_at) AS max
    FROM jobs.job j
   WHERE ((j.name = last_success.name) AND (j.status = 'completed'::jobs.job_status));
END;


--
-- Name: FUNCTION last_success(name text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.last_success(name text) IS 'Start of the newest successful run

The start time of the newest completed job (or successful ETL run) of that name: extract what changed since then. null when it never succeeded. GET /rpc/last_success?name=my_etl_job';


--
-- Name: metrics(); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.metrics() RETURNS api."*/*"
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_text text;
    v_scope record;
BEGIN
    SELECT s.* INTO v_scope FROM jobs_internal.caller_scope() AS s;
    WITH counts AS MATERIALIZED (
        SELECT c.queue, c.status, c.jobs FROM jobs_internal.queue_counts() AS c
    ),

    queues AS (
        -- The queues the caller sees: configured ones and those with jobs.
        SELECT q.name FROM jobs.queue AS q
        WHERE jobs_internal.in_scope(
            v_scope.everything, NULL, v_scope.queues, NULL, q.name
        )
        UNION
        SELECT c.queue FROM counts AS c
    ),

    statuses AS (
        SELECT e.status
        FROM unnest(enum_range(NULL::jobs.job_status)) AS e (status)
    ),

    history AS MATERIALIZED (
        SELECT
            h.queue,
            h.status,
            h.bucket,
            jobs_internal.bucket_seconds(h.bucket) AS bucket_seconds,
            sum(h.jobs) AS jobs,
            sum(h.duration_sum) AS seconds
        FROM jobs_internal.history_rows() AS h
        GROUP BY h.queue, h.status, h.bucket
    ),

    runs AS (
        -- Runs that ended after running (completed, or failed for good).
        SELECT h.queue, h.bucket_seconds, h.jobs, h.seconds
        FROM history AS h
        WHERE h.status IN ('completed', 'failed') AND h.bucket IS NOT NULL
    ),

    counters AS (
        -- Each counter, with a sample per queue (zero included).
        SELECT
            o.n,
            o.word,
            o.help,
            coalesce(array_agg(format(
                'jobsapi_jobs_%s_total{queue=%s} %s', o.word,
                jobs_internal.metric_label(t.queue), t.jobs
            ) ORDER BY t.queue) FILTER (WHERE t.queue IS NOT NULL), '{}') AS samples
        FROM (VALUES
            (1, 'completed', 'completed'::jobs.job_status,
             'Jobs completed (over the run history kept: history_days).'),
            (2, 'failed', 'failed', 'Jobs failed for good (over the run history kept).'),
            (3, 'cancelled', 'cancelled', 'Jobs cancelled (over the run history kept).'),
            (4, 'retried', 'scheduled',
             'Attempts that failed or lost their worker and were scheduled to run again'
             || ' (over the run history kept).')
        ) AS o (n, word, status, help)
        LEFT JOIN LATERAL (
            SELECT q.name AS queue, coalesce(sum(h.jobs), 0) AS jobs
            FROM queues AS q
            LEFT JOIN history AS h ON q.name = h.queue AND h.status = o.status
            GROUP BY q.name
        ) AS t ON TRUE
        GROUP BY o.n, o.word, o.help
    ),

    histogram AS (
        -- Per queue: the cumulative buckets, then +Inf, _sum and _count.
        SELECT
            q.name AS queue,
            b.n,
            format(
                'jobsapi_job_duration_seconds_bucket{queue=%s,le=%s} %s',
                jobs_internal.metric_label(q.name),
                jobs_internal.metric_label(b.bound::text),
                coalesce(sum(r.jobs) FILTER (WHERE r.bucket_seconds <= b.bound), 0)
            ) AS line
        FROM queues AS q
        CROSS JOIN unnest(jobs_internal.metric_duration_bounds()) WITH ORDINALITY AS b (bound, n)
        LEFT JOIN runs AS r ON q.name = r.queue
        GROUP BY q.name, b.n, b.bound
        UNION ALL
        SELECT
            q.name AS queue,
            1000 + l.k AS n,
            format(l.pattern, jobs_internal.metric_label(q.name), l.value) AS line
        FROM queues AS q
        CROSS JOIN LATERAL (
            SELECT
                coalesce(sum(r.jobs), 0) AS jobs,
                round(coalesce(sum(r.seconds), 0)::numeric, 3) AS seconds
            FROM runs AS r WHERE r.queue = q.name
        ) AS a
        CROSS JOIN LATERAL (VALUES
            (0, 'jobsapi_job_duration_seconds_bucket{queue=%s,le="+Inf"} %s', a.jobs::text),
            (1, 'jobsapi_job_duration_seconds_sum{queue=%s} %s', a.seconds::text),
            (2, 'jobsapi_job_duration_seconds_count{queue=%s} %s', a.jobs::text)
        ) AS l (k, pattern, value)
    ),

    workers AS (
        SELECT count(*) FILTER (
            WHERE jobs_internal.worker_is_active(w.last_seen, w.stopped_at)
        ) AS active
        FROM jobs.worker AS w
    )

    SELECT concat(
        jobs_internal.metric_family(
            'jobsapi_jobs', 'gauge', 'Jobs per queue and status now.',
            ARRAY(
                SELECT format(
                    'jobsapi_jobs{queue=%s,status=%s} %s',
                    jobs_internal.metric_label(q.name),
                    jobs_internal.metric_label(s.status::text),
                    coalesce(c.jobs, 0)
                )
                FROM queues AS q
                CROSS JOIN statuses AS s
                LEFT JOIN counts AS c ON q.name = c.queue AND s.status = c.status
                ORDER BY q.name, s.status
            )
        ),
        jobs_internal.metric_family(
            'jobsapi_queue_paused', 'gauge', '1 when the queue hands out no jobs.',
            ARRAY(
                SELECT format(
                    'jobsapi_queue_paused{queue=%s} %s',
                    jobs_internal.metric_label(q.name),
                    coalesce(p.paused::int, 0)
                )
                FROM queues AS q
                LEFT JOIN jobs.queue AS p ON q.name = p.name
                ORDER BY q.name
            )
        ),
        jobs_internal.metric_family(
            'jobsapi_oldest_due_job_age_seconds', 'gauge',
            'How long the oldest job that waits for a worker has been due (0 when none waits).',
            ARRAY(
                SELECT format(
                    'jobsapi_oldest_due_job_age_seconds{queue=%s} %s',
                    jobs_internal.metric_label(q.name),
                    round(greatest(
                        coalesce(extract(EPOCH FROM now() - d.oldest_run_at), 0), 0
                    ), 3)
                )
                FROM queues AS q
                CROSS JOIN LATERAL jobs_internal.queue_depth(q.name) AS d
                ORDER BY q.name
            )
        ),
        (
            SELECT string_agg(jobs_internal.metric_family(
                format('jobsapi_jobs_%s_total', c.word), 'counter', c.help, c.samples
            ), '' ORDER BY c.n)
            FROM counters AS c
        ),
        jobs_internal.metric_family(
            'jobsapi_job_duration_seconds', 'histogram',
            'Run time of jobs that completed or failed for good, from the run history''s'
            || ' duration buckets (each within 19% of the exact value).',
            ARRAY(SELECT h.line FROM histogram AS h ORDER BY h.queue, h.n)
        ),
        jobs_internal.metric_family(
            'jobsapi_workers_active', 'gauge',
            'Workers seen in the last 5 minutes and not stopped.',
            ARRAY(SELECT format('jobsapi_workers_active %s', w.active) FROM workers AS w)
        ),
        jobs_internal.metric_family(
            'jobsapi_maintenance_last_run_timestamp_seconds', 'gauge',
            'When maintenance last finished a run (Unix time; 0 if it never ran).',
            ARRAY(
                SELECT format(
                    'jobsapi_maintenance_last_run_timestamp_seconds %s',
                    round(coalesce(extract(EPOCH FROM m.finished_at), 0), 3)
                )
                FROM jobs.maintenance AS m
            )
        ),
        jobs_internal.metric_family(
            'jobsapi_maintenance_last_run_duration_seconds', 'gauge',
            'How long the last maintenance run took.',
            ARRAY(
                SELECT format(
                    'jobsapi_maintenance_last_run_duration_seconds %s',
                    round(coalesce((m.result ->> 'duration_ms')::numeric / 1000, 0), 3)
                )
                FROM jobs.maintenance AS m
            )
        )
    ) INTO v_text;
    PERFORM set_config(
        'response.headers',
        '[{"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}]',
        TRUE
    );
    RETURN convert_to(v_text, 'UTF8');
END;
$$;


--
-- Name: FUNCTION metrics(); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.metrics() IS 'Prometheus metrics

The text exposition format of Prometheus, per queue: jobs per status (jobsapi_jobs), paused, the age of the oldest due job, counters of jobs completed, failed, cancelled and retried (over the run history kept), a histogram of run durations; and active workers and when maintenance last ran. Reads the ledgers, never the jobs table. For a worker, admin or jobs_metrics token; a worker token sees its own queues. GET /rpc/metrics';


--
-- Name: next_due(text[]); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.next_due(queues text[] DEFAULT NULL::text[]) RETURNS double precision
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_queues text[] := jobs_internal.claimable_queues(queues);
BEGIN
    RETURN jobs_internal.seconds_to_next_due(v_queues);
END;
$$;


--
-- Name: FUNCTION next_due(queues text[]); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.next_due(queues text[]) IS 'Seconds until the next scheduled job is due

Of the given queues (when null: every queue the token allows): seconds until the earliest scheduled job that is not yet due becomes due (a future run_at: scheduled jobs, retries after their backoff), or null when there is none. A worker sleeps that long, then claims: claim_jobs takes a scheduled job the moment it is due. 403 for a queue the worker token does not allow.';


--
-- Name: prune_jobs(integer); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.prune_jobs(batch_size integer DEFAULT 10000) RETURNS TABLE(queue text, reason text, deleted bigint)
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_queue jobs.queue;
    v_left integer := batch_size;
    v_count bigint;
    v_status jobs.job_status;
    v_keep integer;
BEGIN
    IF batch_size IS NULL OR batch_size NOT BETWEEN 1 AND 1000000 THEN
        RAISE EXCEPTION 'batch_size must be between 1 and 1000000, not %',
            batch_size
            USING ERRCODE = '22023';
    END IF;

    -- Expired finished jobs, oldest first.
    WITH doomed AS (
        SELECT j.id FROM jobs.job AS j
        WHERE
            j.status IN ('completed', 'failed', 'cancelled')
            AND j.expires_at < now()
            AND NOT jobs_internal.retention_keeps(j.id, j.name, j.owner, j.status, j.started_at)
        ORDER BY j.expires_at
        LIMIT v_left
        FOR UPDATE SKIP LOCKED
    ),

    gone AS (
        DELETE FROM jobs.job AS j USING doomed AS d WHERE j.id = d.id
        RETURNING j.queue
    )

    SELECT count(*) INTO v_count FROM gone;
    v_left := v_left - v_count;
    IF v_count > 0 THEN
        RETURN QUERY SELECT NULL::text, 'expired', v_count;
    END IF;

    -- Beyond each queue's keep_completed / keep_failed, oldest first.
    FOR v_queue IN SELECT * FROM jobs.queue AS q ORDER BY q.name LOOP
        EXIT WHEN v_left <= 0;
        FOREACH v_status IN ARRAY ARRAY['completed', 'failed']::jobs.job_status[] LOOP
            EXIT WHEN v_left <= 0;
            v_keep := CASE v_status
                WHEN 'completed' THEN v_queue.keep_completed
                ELSE v_queue.keep_failed
            END;
            WITH doomed AS (
                SELECT j.id FROM jobs.job AS j
                WHERE
                    j.queue = v_queue.name AND j.status = v_status
                    -- Lets a generic plan use the partial job_finished_idx.
                    AND j.status IN ('completed', 'failed', 'cancelled')
                    AND j.id <= (
                        SELECT k.id FROM jobs.job AS k
                        WHERE
                            k.queue = v_queue.name AND k.status = v_status
                            AND k.status IN ('completed', 'failed', 'cancelled')
                        ORDER BY k.id DESC
                        OFFSET v_keep LIMIT 1
                    )
                    AND NOT jobs_internal.retention_keeps(
                        j.id, j.name, j.owner, j.status, j.started_at
                    )
                -- The order of job_finished_idx: this queue's rows only.
                ORDER BY j.queue, j.status, j.id
                LIMIT v_left
                FOR UPDATE SKIP LOCKED
            ),

            gone AS (
                DELETE FROM jobs.job AS j USING doomed AS d WHERE j.id = d.id
                RETURNING j.id
            )

            SELECT count(*) INTO v_count FROM gone;
            v_left := v_left - v_count;
            IF v_count > 0 THEN
                RETURN QUERY SELECT v_queue.name, 'keep_' || v_status, v_count;
            END IF;
        END LOOP;
    END LOOP;
END;
$$;


--
-- Name: FUNCTION prune_jobs(batch_size integer); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.prune_jobs(batch_size integer) IS 'Apply retention and expiry

Deletes, at most batch_size jobs per call (default 10000): finished jobs past their expires_at, then in each queue the finished jobs beyond its newest keep_completed completed and keep_failed failed ones. Never touches a job that has not finished, nor the newest completed run of a name (per owner: last_success), the newest job of a name (latest_runs), or a job whose retries or follow-ups have not finished. Their events, files and locks go with them. Maintenance (run_maintenance) calls it every minute. Call again until it answers no rows. Returns what it deleted per queue and reason.';


--
-- Name: queue_jobs(text, text, integer, integer); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.queue_jobs(queue text, status text DEFAULT 'failed'::text, page integer DEFAULT 1, page_size integer DEFAULT 10) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
DECLARE
    v_queue api.queues;
    v_status jobs.job_status;
    v_total bigint;
    v_jobs jsonb;
BEGIN
    SELECT * INTO v_queue FROM api.queues AS q WHERE q.name = queue_jobs.queue;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'queue % does not exist',
            jobs_internal.escape_for_message(queue)
            USING ERRCODE = 'PT404', DETAIL = format('queue=%s', queue);
    END IF;
    IF page IS NULL OR page < 1 THEN
        RAISE EXCEPTION 'page must be 1 or more, not %', page USING ERRCODE = '22023';
    END IF;
    IF page_size IS NULL OR page_size NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'page_size must be between 1 and 1000, not %', page_size
            USING ERRCODE = '22023';
    END IF;
    -- paused: the queued jobs of a paused queue.
    IF status = 'paused' OR status IN (
        SELECT unnest(enum_range(NULL::jobs.job_status))::text
    ) THEN
        v_status := (CASE WHEN status = 'paused' THEN 'queued' ELSE status END)::jobs.job_status;
    ELSE
        RAISE EXCEPTION 'status must be one of %, or paused, not %',
            array_to_string(enum_range(NULL::jobs.job_status), ', '),
            jobs_internal.escape_for_message(status)
            USING ERRCODE = '22023';
    END IF;
    v_total := (v_queue.counts ->> status)::bigint;

    SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.id DESC), '[]') INTO v_jobs
    FROM (
        SELECT v.* FROM api.jobs AS v
        WHERE
            v.queue = queue_jobs.queue AND v.status = v_status
            -- Queued jobs of a paused queue count as paused, not queued.
            AND (v_status <> 'queued' OR v_queue.paused = (queue_jobs.status = 'paused'))
        ORDER BY v.id DESC
        LIMIT page_size OFFSET (page - 1)::bigint * page_size
    ) AS p;

    RETURN jsonb_build_object(
        'name', v_queue.name,
        'paused', v_queue.paused,
        'counts', v_queue.counts,
        'jobs', v_jobs,
        'pagination', jsonb_build_object(
            'current_page', page,
            'total_pages', ceil(v_total::numeric / page_size)::bigint,
            'total_jobs', v_total,
            'page_size', page_size
        )
    );
END;
$$;


--
-- Name: FUNCTION queue_jobs(queue text, status text, page integer, page_size integer); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.queue_jobs(queue text, status text, page integer, page_size integer) IS 'A queue and a page of its jobs

Answers {name, paused, counts, jobs, pagination: {current_page, total_pages, total_jobs, page_size}} for one queue: the jobs of one status (default failed; paused means the queued jobs of a paused queue), newest first, with their error, stacktrace, attempts, times and result. page starts at 1 (default 1), page_size 1-1000 (default 10). 404 for an unknown queue, 400 for an unknown status.';


--
-- Name: queue_time(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.queue_time(api.jobs) RETURNS numeric
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT round(EXTRACT(epoch FROM (COALESCE(($1).started_at, ($1).ended_at, now()) - ($1).run_at)), 3) AS round;
END;


--
-- Name: FUNCTION queue_time(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.queue_time(api.jobs) IS 'Seconds the job waited between run_at and its start (so far, if it has not started).';


--
-- Name: reap_expired_leases(); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.reap_expired_leases() RETURNS SETOF api.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_ids bigint[] := jobs_internal.rescue_expired_leases((
        SELECT CASE WHEN s.everything THEN NULL ELSE s.queues END
        FROM jobs_internal.caller_scope() AS s
    ));
BEGIN
    RETURN QUERY SELECT * FROM api.jobs AS v WHERE v.id = ANY(v_ids);
END;
$$;


--
-- Name: FUNCTION reap_expired_leases(); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.reap_expired_leases() IS 'Rescue jobs whose worker vanished

A running job whose lease expired goes back to queued (the attempt counts), or to failed when no attempts remain; a cancelling one becomes cancelled. A worker token rescues the jobs of its queues, an admin those of every queue; at most 1,000 per call. Maintenance (run_maintenance) does this for every queue every minute. Returns the rescued jobs.';


--
-- Name: release_lock(text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.release_lock(name text) RETURNS api.job_locks
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_lock api.job_locks;
BEGIN
    SELECT * INTO v_lock FROM api.job_locks AS h WHERE h.name = release_lock.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'lock % is not held',
            jobs_internal.escape_for_message(release_lock.name)
            USING ERRCODE = 'PT404', DETAIL = format('name=%s', release_lock.name);
    ELSIF NOT jobs_internal.lock_is_visible(v_lock.worker, v_lock.job_id) THEN
        RAISE EXCEPTION 'lock % is held by someone else',
            jobs_internal.escape_for_message(release_lock.name)
            USING ERRCODE = 'PT403', DETAIL = format('name=%s', release_lock.name);
    END IF;
    -- A caller releases what it took; clearing someone else's lock is the
    -- admin's DELETE on job_locks.
    IF v_lock.worker IS DISTINCT FROM jobs_internal.current_actor()
        AND jobs_internal.caller_role() IS DISTINCT FROM 'jobs_admin' THEN
        RAISE EXCEPTION 'lock % is held by %, not by you',
            jobs_internal.escape_for_message(v_lock.name),
            coalesce('job ' || v_lock.job_id, jobs_internal.escape_for_message(v_lock.worker))
            USING ERRCODE = 'PT403', DETAIL = format('name=%s', v_lock.name);
    END IF;
    DELETE FROM jobs.job_lock AS h WHERE h.name = release_lock.name;
    RETURN v_lock;
END;
$$;


--
-- Name: FUNCTION release_lock(name text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.release_lock(name text) IS 'Release a named lock

Releases a lock the caller took (an admin may release any). Returns the lock that was released; 404 when it was not held, 403 when someone else holds it.';


--
-- Name: is_retriable(jobs.job_status, integer); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.is_retriable(status jobs.job_status, num_error integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT ((status = 'failed'::jobs.job_status) OR ((status = 'completed'::jobs.job_status) AND (num_error > 0)));
END;


--
-- Name: retriable(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.retriable(api.jobs) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT jobs_internal.is_retriable(($1).status, ($1).num_error) AS is_retriable;
END;


--
-- Name: FUNCTION retriable(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.retriable(api.jobs) IS 'True when the job failed, or completed with errors: retry_job may retry it.';


--
-- Name: retries(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.retries(api.jobs) RETURNS SETOF api.jobs
    LANGUAGE sql STABLE ROWS 10
    BEGIN ATOMIC
 SELECT v.id,
     v.queue,
     v.name,
     v.type,
     v.status,
     v.priority,
     v.payload,
     v.meta,
     v.run_at,
     v.created_at,
     v.started_at,
     v.ended_at,
     v.expires_at,
     v.attempts,
     v.max_attempts,
     v.progress,
     v.message,
     v.result,
     v.error,
     v.stacktrace,
     v.errors,
     v.num_success,
     v.num_error,
     v.num_ignore,
     v.owner,
     v.worker,
     v.lease_expires_at,
     v.locks,
     v.finished_items,
     v.retry_of,
     v.root_job_id,
     v.after_job_id,
     v.next_job_id,
     v.waiting,
     v.schedule_name,
     v.fire_at
    FROM api.jobs v
   WHERE (v.root_job_id = ($1).id)
   ORDER BY v.id;
END;


--
-- Name: FUNCTION retries(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.retries(api.jobs) IS 'Every retry in the chain of an original job, oldest first (embed with select=*,retries(*)).';


--
-- Name: retry_failed_retries(bigint); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.retry_failed_retries(job_id bigint) RETURNS SETOF api.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_root bigint;
    v_failed bigint;
BEGIN
    SELECT coalesce(j.root_job_id, j.id) INTO v_root
    FROM jobs.job AS j WHERE j.id = retry_failed_retries.job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % does not exist', job_id USING ERRCODE = 'PT404';
    END IF;
    -- Failed retries that nobody retried yet, locked so that two callers
    -- cannot retry the same one twice.
    FOR v_failed IN
        SELECT r.id FROM jobs.job AS r
        WHERE
            r.root_job_id = v_root
            AND r.status = 'failed'
            AND NOT EXISTS (SELECT FROM jobs.job AS n WHERE n.retry_of = r.id)
        ORDER BY r.id
        FOR UPDATE
    LOOP
        -- The lock was waited for: skip a retry that meanwhile got retried.
        CONTINUE WHEN EXISTS (
            SELECT FROM jobs.job AS n WHERE n.retry_of = v_failed
        );
        RETURN NEXT api.retry_job(v_failed);
    END LOOP;
END;
$$;


--
-- Name: FUNCTION retry_failed_retries(job_id bigint); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.retry_failed_retries(job_id bigint) IS 'Retry every failed retry of a job

For the chain of job_id (the original or any of its retries), retries each failed retry that has not been retried yet, once each, in one transaction. Returns the new jobs.';


--
-- Name: retry_job(bigint); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.retry_job(job_id bigint) RETURNS api.jobs
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_job jobs.job := jobs_internal.get_job_in_scope(job_id);
    v_new bigint;
    v_row api.jobs;
BEGIN
    -- One retry at a time per job: concurrent callers wait here.
    SELECT * INTO v_job FROM jobs.job AS j WHERE j.id = job_id FOR UPDATE;
    IF NOT jobs_internal.is_retriable(v_job.status, v_job.num_error) THEN
        RAISE EXCEPTION 'job % is % without errors: only a failed job, or a completed one with errors, can be retried',
            job_id, v_job.status
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s status=%s num_error=%s',
                    job_id, v_job.status, v_job.num_error);
    END IF;
    -- The retry belongs to the owner of what it retries, and counts among
    -- the runs of its schedule, for the same fire time.
    INSERT INTO jobs.job (
        queue, name, type, priority, payload, meta, locks, max_attempts,
        owner, retry_of, root_job_id, schedule_name, fire_at
    ) VALUES (
        v_job.queue, v_job.name, 'retry', v_job.priority, v_job.payload,
        v_job.meta, v_job.locks, v_job.max_attempts, v_job.owner, v_job.id,
        coalesce(v_job.root_job_id, v_job.id), v_job.schedule_name, v_job.fire_at
    )
    RETURNING id INTO v_new;
    SELECT * INTO v_row FROM api.jobs AS v WHERE v.id = v_new;
    RETURN v_row;
END;
$$;


--
-- Name: FUNCTION retry_job(job_id bigint); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.retry_job(job_id bigint) IS 'Retry a job

Submits a new job of type retry with the same queue, name, payload and meta, linked by retry_of to this job and by root_job_id to the original; this job is left as it is. Only a failed job, or a completed one with errors, can be retried (409 otherwise). Retrying a retry is the same call. The results of retries count toward the original (the totals field).';


--
-- Name: run_maintenance(integer, boolean); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.run_maintenance(min_interval_seconds integer DEFAULT 0, unless_pg_cron boolean DEFAULT false) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_last jobs.maintenance;
    v_start timestamptz := clock_timestamp();
    v_batch bigint;
    v_rescued bigint := 0;
    v_promoted bigint := 0;
    v_expired bigint := 0;
    v_pruned bigint := 0;
    v_schedules record;
    v_prune record;
    v_result jsonb;
BEGIN
    IF min_interval_seconds IS NULL OR min_interval_seconds NOT BETWEEN 0 AND 86400 THEN
        RAISE EXCEPTION 'min_interval_seconds must be between 0 and 86400, not %',
            min_interval_seconds
            USING ERRCODE = '22023';
    END IF;
    IF unless_pg_cron IS NULL THEN
        RAISE EXCEPTION 'unless_pg_cron must be true or false, not null'
            USING ERRCODE = '22023';
    END IF;
    IF unless_pg_cron AND jobs_internal.maintenance_mode() = 'pg_cron' THEN
        RETURN jsonb_build_object('ran', FALSE, 'reason', 'pg_cron runs maintenance here');
    END IF;
    -- One run at a time; a second caller returns at once.
    IF NOT pg_try_advisory_xact_lock('jobs.maintenance'::regclass::oid::bigint) THEN
        RETURN jsonb_build_object(
            'ran', FALSE, 'reason', 'another maintenance run is in progress'
        );
    END IF;
    SELECT * INTO v_last FROM jobs.maintenance;
    IF v_last.started_at > now() - make_interval(secs => min_interval_seconds) THEN
        RETURN jsonb_build_object(
            'ran', FALSE,
            'reason', format(
                'maintenance ran %s s ago',
                round(extract(EPOCH FROM now() - v_last.started_at)::numeric, 1)
            )
        );
    END IF;

    -- Jobs whose worker stopped heartbeating, in every queue.
    LOOP
        v_batch := cardinality(jobs_internal.rescue_expired_leases(NULL));
        v_rescued := v_rescued + v_batch;
        EXIT WHEN v_batch < 1000 OR v_rescued >= 10000;
    END LOOP;

    SELECT * INTO v_schedules FROM jobs_internal.fire_due_schedules();

    -- Scheduled jobs that came due (a claim takes them directly too).
    LOOP
        v_batch := jobs_internal.promote_due_jobs();
        v_promoted := v_promoted + v_batch;
        EXIT WHEN v_batch < 1000 OR v_promoted >= 10000;
    END LOOP;

    -- Expiry and each queue's retention, at most 50,000 jobs a run.
    LOOP
        v_batch := 0;
        FOR v_prune IN SELECT * FROM api.prune_jobs(10000) LOOP
            v_batch := v_batch + v_prune.deleted;
            IF v_prune.reason = 'expired' THEN
                v_expired := v_expired + v_prune.deleted;
            ELSE
                v_pruned := v_pruned + v_prune.deleted;
            END IF;
        END LOOP;
        EXIT WHEN v_batch < 10000 OR v_expired + v_pruned >= 50000;
    END LOOP;

    v_result := jsonb_build_object(
        'ran', TRUE,
        'started_at', v_start,
        'leases_rescued', v_rescued,
        'schedules_fired', v_schedules.fired,
        'missed_skipped', v_schedules.skipped,
        'jobs_queued', v_promoted,
        'jobs_expired', v_expired,
        'jobs_pruned', v_pruned,
        'count_rows_folded', jobs_internal.fold_queue_counts(),
        'history_rows_folded', jobs_internal.fold_history(),
        'history_rows_deleted', jobs_internal.prune_history()
    );
    v_result := v_result || jsonb_build_object(
        'duration_ms',
        round((extract(EPOCH FROM clock_timestamp() - v_start) * 1000)::numeric, 1)
    );
    UPDATE jobs.maintenance
    SET
        started_at = v_start,
        finished_at = clock_timestamp(),
        result = v_result,
        runs = runs + 1;
    RETURN v_result;
END;
$$;


--
-- Name: FUNCTION run_maintenance(min_interval_seconds integer, unless_pg_cron boolean); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.run_maintenance(min_interval_seconds integer, unless_pg_cron boolean) IS 'Run maintenance now

The housekeeping that keeps jobsapi running unattended, in one call: rescues jobs whose lease expired (every queue), enqueues the jobs of recurring schedules that are due, queues scheduled jobs that came due, deletes expired jobs and those beyond each queue''s retention (never the newest completed run of a name, nor a job whose retries or follow-ups still run), folds the counts and history ledgers, and deletes run history older than history_days. Each action works in bounded batches. pg_cron runs it every minute where it is installed; else `jobsapi worker` and `jobsapi maintain` do. One run at a time: a concurrent caller gets {"ran": false} at once, as does a call within min_interval_seconds (0-86400, default 0) of the last run, and one with unless_pg_cron = true where pg_cron runs it. Answers what it did: {ran, started_at, duration_ms, leases_rescued, schedules_fired, missed_skipped, jobs_queued, jobs_expired, jobs_pruned, count_rows_folded, history_rows_folded, history_rows_deleted}; the last run''s answer is also in GET /maintenance.';


--
-- Name: run_schedule(text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.run_schedule(name text) RETURNS api.jobs
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


--
-- Name: FUNCTION run_schedule(name text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.run_schedule(name text) IS 'Run a schedule now

Enqueues one job from the schedule''s template now, whether or not it is enabled, with fire_at the time of the call; its fire times go on as before. 404 for an unknown schedule. Admins only. Returns the job.';


--
-- Name: worker_is_active(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.worker_is_active(last_seen timestamp with time zone, stopped_at timestamp with time zone) RETURNS boolean
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT ((stopped_at IS NULL) AND (last_seen > (now() - '00:05:00'::interval)));
END;


--
-- Name: worker; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.worker (
    name text NOT NULL,
    queues text[],
    first_seen timestamp with time zone DEFAULT now() NOT NULL,
    last_seen timestamp with time zone DEFAULT now() NOT NULL,
    stopped_at timestamp with time zone,
    CONSTRAINT worker_name_is_short CHECK ((length(name) <= 200)),
    CONSTRAINT worker_name_not_empty CHECK ((name <> ''::text))
);


--
-- Name: workers; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.workers WITH (security_invoker='true') AS
 WITH h AS (
         SELECT j.worker,
            count(*) AS running_jobs
           FROM jobs.job j
          WHERE (j.status = ANY (ARRAY['running'::jobs.job_status, 'cancelling'::jobs.job_status]))
          GROUP BY j.worker
        )
 SELECT w.name,
    w.queues,
    w.first_seen,
    w.last_seen,
    w.stopped_at,
    jobs_internal.worker_is_active(w.last_seen, w.stopped_at) AS active,
    COALESCE(h.running_jobs, (0)::bigint) AS running_jobs
   FROM (jobs.worker w
     LEFT JOIN h ON ((w.name = h.worker)));


--
-- Name: VIEW workers; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.workers IS 'Workers

A worker registers on its first claim or heartbeat and is seen on each one after. It is active until it stops (stop_worker) or goes silent for 5 minutes, the default lease.';


--
-- Name: COLUMN workers.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.workers.name IS 'Worker name, as given to claim_jobs.';


--
-- Name: COLUMN workers.queues; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.workers.queues IS 'Queues it last claimed from (null: all).';


--
-- Name: COLUMN workers.first_seen; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.workers.first_seen IS 'First claim or heartbeat.';


--
-- Name: COLUMN workers.last_seen; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.workers.last_seen IS 'Latest claim or heartbeat.';


--
-- Name: COLUMN workers.stopped_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.workers.stopped_at IS 'When it said it stopped; cleared when it is seen again.';


--
-- Name: COLUMN workers.active; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.workers.active IS 'Seen in the last 5 minutes and not stopped.';


--
-- Name: COLUMN workers.running_jobs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.workers.running_jobs IS 'Jobs it holds now.';


--
-- Name: stop_worker(text); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.stop_worker(worker text) RETURNS api.workers
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_worker api.workers;
BEGIN
    UPDATE jobs.worker AS w SET stopped_at = now() WHERE w.name = stop_worker.worker;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'worker % is not registered',
            jobs_internal.escape_for_message(worker)
            USING ERRCODE = 'PT404', DETAIL = format('worker=%s', worker);
    END IF;
    SELECT * INTO v_worker FROM api.workers AS w WHERE w.name = stop_worker.worker;
    RETURN v_worker;
END;
$$;


--
-- Name: FUNCTION stop_worker(worker text); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.stop_worker(worker text) IS 'Mark a worker stopped

A worker that shuts down cleanly says so: it no longer counts as active. 404 for an unknown worker.';


--
-- Name: totals(api.jobs); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.totals(api.jobs) RETURNS jsonb
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT jsonb_build_object('num_success', COALESCE(sum(j.num_success), (0)::bigint), 'num_ignore', COALESCE(sum(j.num_ignore), (0)::bigint), 'num_error', COALESCE(sum(j.num_error) FILTER (WHERE (NOT (EXISTS ( SELECT
            FROM jobs.job r
           WHERE ((r.retry_of = j.id) AND (r.status = 'completed'::jobs.job_status)))))), (0)::bigint), 'jobs', count(*)) AS jsonb_build_object
    FROM jobs.job j
   WHERE ((j.id = COALESCE(($1).root_job_id, ($1).id)) OR (j.root_job_id = COALESCE(($1).root_job_id, ($1).id)));
END;


--
-- Name: FUNCTION totals(api.jobs); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.totals(api.jobs) IS 'Results of the original job and all its retries as one: num_success and num_ignore summed, num_error counting only errors no completed retry has redone since, and the number of jobs in the chain (select=*,totals).';


--
-- Name: caller_role(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.caller_role() RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_name text := coalesce(nullif(current_setting('role'), 'none'), session_user);
BEGIN
    RETURN CASE
        WHEN pg_has_role(v_name, 'jobs_admin', 'MEMBER') THEN 'jobs_admin'
        WHEN pg_has_role(v_name, 'jobs_worker', 'MEMBER') THEN 'jobs_worker'
        WHEN pg_has_role(v_name, 'jobs_user', 'MEMBER') THEN 'jobs_user'
        WHEN pg_has_role(v_name, 'jobs_metrics', 'MEMBER') THEN 'jobs_metrics'
    END;
END;
$$;


--
-- Name: caller_scope(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.caller_scope() RETURNS TABLE(everything boolean, owner text, queues text[])
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_role text := jobs_internal.caller_role();
    v_queues text[] := '{}'::text[];
BEGIN
    IF v_role = 'jobs_worker' THEN
        v_queues := jobs_internal.worker_queues();
    END IF;
    everything := coalesce(
        v_role IN ('jobs_admin', 'jobs_metrics')
        OR (v_role = 'jobs_worker' AND v_queues @> '{*}'),
        FALSE
    );
    owner := CASE WHEN v_role = 'jobs_user' THEN jobs_internal.current_actor() END;
    queues := v_queues;
    RETURN NEXT;
END;
$$;


--
-- Name: jwt_claims(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.jwt_claims() RETURNS jsonb
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT
         CASE
             WHEN pg_has_role(SESSION_USER, 'authenticator'::name, 'MEMBER'::text) THEN COALESCE((NULLIF(current_setting('request.jwt.claims'::text, true), ''::text))::jsonb, '{}'::jsonb)
             ELSE '{}'::jsonb
         END AS "case";
END;


--
-- Name: current_actor(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.current_actor() RETURNS text
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT
         CASE
             WHEN pg_has_role(SESSION_USER, 'authenticator'::name, 'MEMBER'::text) THEN (COALESCE((jobs_internal.jwt_claims() ->> 'sub'::text), NULLIF(current_setting('role'::text), 'none'::text), (SESSION_USER)::text))::name
             ELSE SESSION_USER
         END AS "session_user";
END;


--
-- Name: whoami(); Type: FUNCTION; Schema: api; Owner: -
--

CREATE FUNCTION api.whoami() RETURNS jsonb
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT jsonb_build_object('role', jobs_internal.caller_role(), 'sub', jobs_internal.current_actor(), 'everything', s.everything, 'owner', s.owner, 'queues', to_jsonb(s.queues), 'routes', ( SELECT COALESCE(jsonb_object_agg(r.route, r.verbs), '{}'::jsonb) AS "coalesce"
            FROM ( SELECT c.relname AS route,
                     to_jsonb(array_remove(ARRAY[
                         CASE
                             WHEN has_any_column_privilege(c.oid, 'SELECT'::text) THEN 'GET'::text
                             ELSE NULL::text
                         END,
                         CASE
                             WHEN has_any_column_privilege(c.oid, 'INSERT'::text) THEN 'POST'::text
                             ELSE NULL::text
                         END,
                         CASE
                             WHEN has_any_column_privilege(c.oid, 'UPDATE'::text) THEN 'PATCH'::text
                             ELSE NULL::text
                         END,
                         CASE
                             WHEN has_table_privilege(c.oid, 'DELETE'::text) THEN 'DELETE'::text
                             ELSE NULL::text
                         END], NULL::text)) AS verbs
                    FROM pg_class c
                   WHERE ((c.relnamespace = ('api'::regnamespace)::oid) AND (c.relkind = 'v'::"char") AND (has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE'::text) OR has_table_privilege(c.oid, 'DELETE'::text)))
                 UNION ALL
                  SELECT ('rpc/'::text || (p.proname)::text) AS route,
                     '["POST"]'::jsonb AS verbs
                    FROM pg_proc p
                   WHERE ((p.pronamespace = ('api'::regnamespace)::oid) AND (p.prokind = 'f'::"char") AND has_function_privilege(p.oid, 'EXECUTE'::text) AND (NOT (EXISTS ( SELECT
                            FROM pg_type t
                           WHERE ((t.oid = ANY ((p.proargtypes)::oid[])) AND (t.typrelid <> (0)::oid))))))
                   GROUP BY p.proname) r)) AS jsonb_build_object
    FROM jobs_internal.caller_scope() s(everything, owner, queues);
END;


--
-- Name: FUNCTION whoami(); Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON FUNCTION api.whoami() IS 'Who this token is

The token''s role and subject, what it sees (everything, one owner''s jobs, or some queues) and the routes it may use with their methods, as the database''s privileges say. Row level security narrows which rows each route touches. GET /rpc/whoami';


--
-- Name: assert_held(bigint, text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.assert_held(job_id bigint, worker text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_job jobs.job := jobs_internal.get_job_in_scope(job_id);
BEGIN
    IF v_job.status NOT IN ('running', 'cancelling') THEN
        RAISE EXCEPTION 'job % is %, not running', job_id, v_job.status
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s status=%s', job_id, v_job.status);
    END IF;
    IF worker IS NOT NULL AND v_job.worker IS DISTINCT FROM worker THEN
        RAISE EXCEPTION 'job % is held by worker %, not %', job_id,
            jobs_internal.escape_for_message(v_job.worker),
            jobs_internal.escape_for_message(worker)
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s status=%s', job_id, v_job.status);
    END IF;
END;
$$;


--
-- Name: assert_locks_held(bigint, text[]); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.assert_locks_held(job_id bigint, lock_names text[]) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF lock_names <> '{}' AND EXISTS (
        SELECT FROM unnest(lock_names) AS l (name)
        WHERE NOT EXISTS (
            SELECT FROM jobs.job_lock AS h
            WHERE h.name = l.name AND h.job_id = assert_locks_held.job_id
        )
    ) THEN
        RAISE EXCEPTION 'job % names locks (%): only claim_jobs can start it',
            job_id, jobs_internal.escape_list_for_message(lock_names)
            USING ERRCODE = 'PT409',
                HINT = 'claim_jobs takes the locks, or skips the job while they are held.';
    END IF;
END;
$$;


--
-- Name: backoff(integer, integer, integer); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.backoff(attempts integer, base_seconds integer, max_seconds integer) RETURNS interval
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT make_interval(secs => (LEAST(((base_seconds)::numeric * (power((2)::double precision, (GREATEST((attempts - 1), 0))::double precision))::numeric), (max_seconds)::numeric))::double precision) AS make_interval;
END;


--
-- Name: bucket_seconds(smallint); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.bucket_seconds(bucket smallint) RETURNS double precision
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (round((power((2)::numeric, (((bucket)::numeric + 0.5) / 4.0)) / (1000)::numeric), 3))::double precision AS round;
END;


--
-- Name: bucket_percentile(smallint[], bigint[], double precision); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.bucket_percentile(buckets smallint[], counts bigint[], p double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT jobs_internal.bucket_seconds(h.bucket) AS bucket_seconds
    FROM ( SELECT u.bucket,
             sum(u.jobs) OVER (ORDER BY u.bucket) AS running,
             sum(u.jobs) OVER () AS total
            FROM UNNEST(bucket_percentile.buckets, bucket_percentile.counts) u(bucket, jobs)
           WHERE (u.bucket IS NOT NULL)) h
   WHERE (((h.running)::double precision >= (bucket_percentile.p * (h.total)::double precision)) AND (h.total > (0)::numeric))
   ORDER BY h.bucket
  LIMIT 1;
END;


--
-- Name: check_time_zone(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.check_time_zone(time_zone text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET "TimeZone" TO 'UTC'
    AS $$
BEGIN
    IF time_zone IS NULL THEN
        RAISE EXCEPTION 'time zone is null' USING ERRCODE = '22023';
    ELSIF time_zone ~ '^(<|[A-Za-z]{3,}[-+]?[0-9])' THEN
        IF EXISTS (SELECT FROM pg_timezone_names AS z WHERE z.name = time_zone) THEN
            RETURN time_zone;
        END IF;
    ELSE
        BEGIN
            IF set_config('timezone', time_zone, TRUE) = time_zone THEN
                RETURN time_zone;
            END IF;
        EXCEPTION WHEN invalid_parameter_value THEN
            NULL;
        END;
    END IF;
    RAISE EXCEPTION 'time zone "%" is not a known IANA time zone',
        jobs_internal.escape_for_message(time_zone)
        USING ERRCODE = '22023';
END;
$$;


--
-- Name: FUNCTION check_time_zone(time_zone text); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.check_time_zone(time_zone text) IS 'The time zone as given when it is one of pg_timezone_names (an IANA name such as Europe/Berlin, spelled as there); error 22023 otherwise, also for null and empty.';


--
-- Name: check_token(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.check_token() RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_claims jsonb := jobs_internal.jwt_claims();
    v_role text := jobs_internal.caller_role();
BEGIN
    -- No token: say so, rather than "permission denied" for whatever the
    -- route reads. The OpenAPI document at / stays open (it lists nothing
    -- to anon), and so do the dashboard's files: a browser sends no token
    -- when it opens a page.
    IF v_role IS NULL AND coalesce(current_setting('request.path', TRUE), '/')
        NOT IN ('/', '/rpc/dashboard', '/rpc/dashboard_file') THEN
        RAISE EXCEPTION 'a token is needed: send Authorization: Bearer <JWT>'
            USING ERRCODE = 'PT401',
                HINT = 'jobsapi token --role jobs_user --sub NAME prints one for the local stack.';
    END IF;
    IF v_role IN ('jobs_user', 'jobs_worker')
        AND coalesce(v_claims ->> 'sub', '') = '' THEN
        RAISE EXCEPTION 'a % token needs a sub claim naming whom it is for', v_role
            USING ERRCODE = 'PT401';
    END IF;
    IF v_claims ? 'queues' AND (
        jsonb_typeof(v_claims -> 'queues') <> 'array'
        OR EXISTS (
            SELECT FROM jsonb_array_elements(v_claims -> 'queues') AS q (name)
            WHERE jsonb_typeof(q.name) <> 'string'
        )
    ) THEN
        RAISE EXCEPTION 'the queues claim must be a list of queue names'
            USING ERRCODE = 'PT401';
    END IF;
    -- PostgREST hands a function without a single unnamed text or bytea
    -- parameter a text/plain or octet-stream body as no arguments at all:
    -- the call would run with its defaults (claim_jobs would claim).
    IF current_setting('request.method', TRUE) = 'POST'
        AND current_setting('request.path', TRUE) LIKE '/rpc/%'
        AND split_part(lower(coalesce(
            nullif(current_setting('request.headers', TRUE), '')::jsonb ->> 'content-type', ''
        )), ';', 1) IN ('text/plain', 'application/octet-stream') THEN
        RAISE EXCEPTION 'send the arguments as JSON (Content-Type: application/json)'
            USING ERRCODE = 'PT415';
    END IF;
END;
$$;


--
-- Name: claim_floor_lock_class(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.claim_floor_lock_class() RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT hashtext('jobsapi.claim_floor'::text) AS hashtext;
END;


--
-- Name: FUNCTION claim_floor_lock_class(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.claim_floor_lock_class() IS 'The first key of the advisory lock guarding a queue''s claim floor (the second is hashtext of the queue).';


--
-- Name: claim_floors(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.claim_floors(queue text) RETURNS timestamp with time zone[]
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_raised timestamptz;
BEGIN
    SELECT max(f.raised_at) INTO v_raised
    FROM jobs.claim_floor AS f WHERE f.queue = claim_floors.queue;
    IF (v_raised IS NULL OR v_raised < clock_timestamp() - interval '1 second')
        AND current_setting('transaction_isolation') = 'read committed'
        AND pg_try_advisory_xact_lock(
            jobs_internal.claim_floor_lock_class(), hashtext(claim_floors.queue)
        ) THEN
        PERFORM jobs_internal.raise_claim_floors(claim_floors.queue);
    END IF;
    RETURN jobs_internal.current_claim_floors(claim_floors.queue);
END;
$$;


--
-- Name: claim_wait_slot(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.claim_wait_slot() RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_slots integer := coalesce(
        nullif(current_setting('jobsapi.max_waiting_claims', TRUE), '')::integer, 4
    );
BEGIN
    FOR v_slot IN 1..v_slots LOOP
        IF pg_try_advisory_xact_lock(hashtext('jobsapi.claim_wait'), v_slot) THEN
            RETURN TRUE;
        END IF;
    END LOOP;
    RETURN FALSE;
END;
$$;


--
-- Name: claimable_queues(text[]); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.claimable_queues(queues text[]) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_scope record;
    v_refused text[];
BEGIN
    SELECT * INTO v_scope FROM jobs_internal.caller_scope();
    IF v_scope.everything THEN
        RETURN queues;
    ELSIF queues IS NULL THEN
        RETURN v_scope.queues;
    END IF;
    v_refused := ARRAY(SELECT unnest(queues) EXCEPT SELECT unnest(v_scope.queues));
    IF v_refused <> '{}' THEN
        RAISE EXCEPTION 'this token may not claim jobs of queue %',
            jobs_internal.escape_list_for_message(v_refused)
            USING ERRCODE = 'PT403',
                DETAIL = format('queues=%s', v_refused),
                HINT = 'A worker token names its queues in its queues claim.';
    END IF;
    RETURN queues;
END;
$$;


--
-- Name: copy_defaults(regclass, regclass); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.copy_defaults(target regclass, source regclass) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_column record;
BEGIN
    FOR v_column IN
        SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) AS expr
        FROM pg_attrdef AS d
        INNER JOIN pg_attribute AS a
            ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE d.adrelid = source
    LOOP
        EXECUTE format('ALTER VIEW %s ALTER COLUMN %I SET DEFAULT %s',
            target, v_column.attname, v_column.expr);
    END LOOP;
END;
$$;


--
-- Name: cron_field(text, integer, text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.cron_field(expr text, field_number integer, field text) RETURNS integer[]
    LANGUAGE plpgsql IMMUTABLE
    AS $_$
DECLARE
    v_low integer := (ARRAY[0, 0, 1, 1, 0])[field_number];
    v_high integer := (ARRAY[59, 23, 31, 12, 7])[field_number];
    v_names text[] := CASE field_number
        WHEN 4 THEN '{jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec}'::text[]
        WHEN 5 THEN '{sun,mon,tue,wed,thu,fri,sat}'::text[]
    END;
    -- cron expression "...": minute
    v_prefix text := format(
        'cron expression "%s": %s', jobs_internal.escape_for_message(expr),
        (ARRAY['minute', 'hour', 'day-of-month', 'month', 'day-of-week'])[field_number]
    );
    v_item text;
    v_match text[];
    v_token text;
    v_bounds integer[];
    v_step integer;
    v_values integer[] := '{}'::integer[];
BEGIN
    FOREACH v_item IN ARRAY string_to_array(field, ',') LOOP
        -- {*, a, b, s} of *[/s] or a[-b][/s]
        v_match := regexp_match(v_item, '^(?:(\*)|([^-/]+)(?:-([^-/]+))?)(?:/(.*))?$');
        IF v_item = '' THEN
            RAISE EXCEPTION '% list "%" has an empty item',
                v_prefix, jobs_internal.escape_for_message(field)
                USING ERRCODE = '22023';
        ELSIF v_match IS NULL THEN
            RAISE EXCEPTION '% "%" cannot be parsed: expected *, n, a-b, */s, a-b/s or a/s',
                v_prefix, jobs_internal.escape_for_message(v_item)
                USING ERRCODE = '22023';
        END IF;

        v_bounds := '{}';
        FOREACH v_token IN ARRAY array_remove(v_match[2:3], NULL) LOOP
            IF v_token ~ '^[0-9]+$' THEN
                IF v_token::numeric NOT BETWEEN v_low AND v_high THEN
                    RAISE EXCEPTION '% % is out of range %-%',
                        v_prefix, jobs_internal.escape_for_message(v_token), v_low, v_high
                        USING ERRCODE = '22023';
                END IF;
                v_bounds := v_bounds || v_token::integer;
            ELSIF lower(v_token) = ANY(v_names) THEN
                v_bounds := v_bounds || array_position(v_names, lower(v_token)) - 1 + v_low;
            ELSIF v_names IS NULL THEN
                RAISE EXCEPTION '% "%" is not a number',
                    v_prefix, jobs_internal.escape_for_message(v_token)
                    USING ERRCODE = '22023';
            ELSE
                RAISE EXCEPTION '% "%" is not a number or a name %-%',
                    v_prefix, jobs_internal.escape_for_message(v_token),
                    v_names[1], v_names[cardinality(v_names)]
                    USING ERRCODE = '22023';
            END IF;
        END LOOP;
        IF v_match[1] IS NOT NULL THEN
            v_bounds := ARRAY[v_low, v_high];
        ELSIF v_match[3] IS NULL THEN
            -- n is n-n; a/s is a to the highest value
            v_bounds := ARRAY[
                v_bounds[1], CASE WHEN v_match[4] IS NULL THEN v_bounds[1] ELSE v_high END
            ];
        ELSIF v_bounds[1] > v_bounds[2] THEN
            RAISE EXCEPTION '% range % starts after it ends', v_prefix,
                jobs_internal.escape_for_message(v_match[2] || '-' || v_match[3])
                USING ERRCODE = '22023';
        END IF;

        IF v_match[4] IS NULL THEN
            v_step := 1;
        ELSIF v_match[4] ~ '^[0-9]+$' AND v_match[4]::numeric > 0 THEN
            v_step := least(v_match[4]::numeric, v_high + 1)::integer;
        ELSE
            RAISE EXCEPTION '% step "%" must be a positive whole number',
                v_prefix, jobs_internal.escape_for_message(v_match[4])
                USING ERRCODE = '22023';
        END IF;
        v_values := v_values || ARRAY(SELECT generate_series(v_bounds[1], v_bounds[2], v_step));
    END LOOP;

    RETURN ARRAY(
        SELECT DISTINCT CASE WHEN field_number = 5 THEN v.value % 7 ELSE v.value END
        FROM unnest(v_values) AS v (value)
        ORDER BY 1
    );
END;
$_$;


--
-- Name: FUNCTION cron_field(expr text, field_number integer, field text); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.cron_field(expr text, field_number integer, field text) IS 'The values field number field_number (1 minute, 2 hour, 3 day-of-month, 4 month, 5 day-of-week) of the cron expression expr allows, sorted: a comma list of *, n, a-b, */s, a-b/s and a/s (a to the field''s highest value), with names jan-dec and sun-sat for numbers and day-of-week 7 as Sunday (0). Error 22023 naming the field and the bad part otherwise; expr only goes into the message.';


--
-- Name: cron_next(text, text, timestamp with time zone); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.cron_next(expr text, time_zone text, after timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE plpgsql STABLE
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_cron jsonb := jobs_internal.cron_parse(expr);
    v_zone text := jobs_internal.check_time_zone(time_zone);
    v_minutes integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'minutes')::integer);
    v_hours integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'hours')::integer);
    v_days integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'days')::integer);
    v_months integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'months')::integer);
    v_weekdays integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'weekdays')::integer);
    -- a day must match both day fields, else either
    v_both boolean := (v_cron -> 'any_day')::boolean OR (v_cron -> 'any_weekday')::boolean;
    v_from date;
    v_month date;
    v_day date;
    v_next timestamptz;
    v_best timestamptz;
BEGIN
    IF after IS NULL OR NOT isfinite(after) THEN
        RAISE EXCEPTION 'after must be a finite time, not %', coalesce(after::text, 'null')
            USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('timezone', v_zone, TRUE);
    v_from := after::date;
    v_month := date_trunc('month', v_from::timestamp)::date;
    WHILE v_month < v_from + interval '400 years' LOOP
        IF v_best <= v_month::timestamptz THEN
            RETURN v_best;
        END IF;
        IF extract(MONTH FROM v_month)::integer = ANY(v_months) THEN
            FOR v_day IN
                SELECT d.day::date
                FROM generate_series(
                    v_month::timestamp, v_month + interval '1 month - 1 day', interval '1 day'
                ) AS d (day)
                WHERE
                    d.day >= v_from
                    AND CASE
                        WHEN v_both
                            THEN
                                extract(DAY FROM d.day)::integer = ANY(v_days)
                                AND extract(DOW FROM d.day)::integer = ANY(v_weekdays)
                        ELSE
                            extract(DAY FROM d.day)::integer = ANY(v_days)
                            OR extract(DOW FROM d.day)::integer = ANY(v_weekdays)
                    END
                ORDER BY d.day
            LOOP
                IF v_best <= v_day::timestamptz THEN
                    RETURN v_best;
                END IF;
                SELECT min(f.fire_at) INTO v_next
                FROM (
                    SELECT (v_day + make_time(h.hour, m.minute, 0))::timestamptz AS fire_at
                    FROM unnest(v_hours) AS h (hour)
                    CROSS JOIN unnest(v_minutes) AS m (minute)
                ) AS f
                WHERE f.fire_at > after;
                v_best := least(v_best, v_next);
            END LOOP;
        END IF;
        v_month := v_month + interval '1 month';
    END LOOP;
    RETURN v_best;
END;
$$;


--
-- Name: FUNCTION cron_next(expr text, time_zone text, after timestamp with time zone); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.cron_next(expr text, time_zone text, after timestamp with time zone) IS 'The first time strictly after "after" that the cron expression expr fires, read as wall-clock time in the IANA time zone time_zone. A wall-clock time skipped by a daylight saving change fires at the instant PostgreSQL''s timestamp AT TIME ZONE gives it (02:30 on a day that jumps from 02:00 to 03:00 fires at 03:30); one that occurs twice fires once, at the later instant. Error 22023 for an invalid expression (cron_parse), an unknown time zone (check_time_zone), or a null or infinite after.';


--
-- Name: cron_parse(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.cron_parse(expr text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    AS $$
DECLARE
    v_text text := btrim(expr, E' \t');
    v_fields text[];
    v_values jsonb[] := '{}'::jsonb[];  -- of each field, sorted
    v_any_day boolean;
    v_any_weekday boolean;
BEGIN
    IF expr IS NULL THEN
        RAISE EXCEPTION 'cron expression is null' USING ERRCODE = '22023';
    ELSIF length(expr) > 200 THEN
        RAISE EXCEPTION 'cron expression "%" is longer than 200 characters (%)',
            jobs_internal.escape_for_message(expr), length(expr)
            USING ERRCODE = '22023';
    ELSIF v_text = '' THEN
        RAISE EXCEPTION 'cron expression is empty' USING ERRCODE = '22023';
    END IF;

    IF v_text LIKE '@%' THEN
        v_text := CASE lower(v_text)
            WHEN '@yearly' THEN '0 0 1 1 *'
            WHEN '@annually' THEN '0 0 1 1 *'
            WHEN '@monthly' THEN '0 0 1 * *'
            WHEN '@weekly' THEN '0 0 * * 0'
            WHEN '@daily' THEN '0 0 * * *'
            WHEN '@midnight' THEN '0 0 * * *'
            WHEN '@hourly' THEN '0 * * * *'
        END;
        IF v_text IS NULL THEN
            RAISE EXCEPTION 'cron expression "%": unknown macro (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)',
                jobs_internal.escape_for_message(expr)
                USING ERRCODE = '22023';
        END IF;
    END IF;

    v_fields := regexp_split_to_array(v_text, '[ \t]+');
    IF cardinality(v_fields) <> 5 THEN
        RAISE EXCEPTION 'cron expression "%": % fields, expected 5 (minute hour day-of-month month day-of-week)',
            jobs_internal.escape_for_message(expr), cardinality(v_fields)
            USING ERRCODE = '22023';
    END IF;
    FOR i IN 1..5 LOOP
        v_values[i] := to_jsonb(jobs_internal.cron_field(expr, i, v_fields[i]));
    END LOOP;
    v_any_day := v_fields[3] LIKE '*%';
    v_any_weekday := v_fields[5] LIKE '*%';

    -- Unless both day fields are restricted (then a day matching either
    -- fires), a day must be one of the days of the month: the first of them
    -- must come in the longest of the months.
    IF (v_any_day OR v_any_weekday) AND (v_values[3] ->> 0)::integer > (
        SELECT max((ARRAY[31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[m.month::integer])
        FROM jsonb_array_elements_text(v_values[4]) AS m (month)
    ) THEN
        RAISE EXCEPTION 'cron expression "%" never fires: day-of-month % never occurs in month %',
            jobs_internal.escape_for_message(expr),
            jobs_internal.escape_for_message(v_fields[3]),
            jobs_internal.escape_for_message(v_fields[4])
            USING ERRCODE = '22023';
    END IF;

    RETURN jsonb_build_object(
        'minutes', v_values[1],
        'hours', v_values[2],
        'days', v_values[3],
        'months', v_values[4],
        'weekdays', v_values[5],
        'any_day', v_any_day,
        'any_weekday', v_any_weekday
    );
END;
$$;


--
-- Name: FUNCTION cron_parse(expr text); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.cron_parse(expr text) IS 'A cron expression (minute hour day-of-month month day-of-week, or @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly) checked and expanded: {minutes, hours, days, months, weekdays, any_day, any_weekday}, sorted arrays of the values each field allows (weekdays 0-6, 0 Sunday) and whether the day-of-month and day-of-week fields start with * (Vixie cron: when neither does, a day matching either field fires; else a day must match both). Fields are separated by spaces or tabs. Error 22023 with a message naming the bad part for null, empty or longer than 200 characters, a wrong number of fields, an empty list item, a value out of range or not a number or name, a range that starts after it ends, a step that is not a positive whole number, an unknown macro, and an expression that never fires (0 0 30 2 *).';


--
-- Name: current_claim_floors(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.current_claim_floors(queue text) RETURNS timestamp with time zone[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (
        SELECT array_agg(
            least(
                coalesce(f.run_at, '-infinity'),
                (
                    SELECT min(l.run_at) FROM jobs.claim_floor_low AS l
                    WHERE l.queue = current_claim_floors.queue AND l.priority = p.priority
                )
            )
            ORDER BY p.priority
        )
        FROM generate_series(1, 4) AS p (priority)
        LEFT JOIN jobs.claim_floor AS f
            ON f.queue = current_claim_floors.queue AND f.priority = p.priority
    );
END;
$$;


--
-- Name: duration_bucket(double precision); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.duration_bucket(seconds double precision) RETURNS smallint
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (LEAST((127)::double precision, GREATEST((0)::double precision, floor((((4)::double precision * ln((GREATEST(seconds, (0.001)::double precision) * (1000)::double precision))) / ln((2)::double precision))))))::smallint AS "least";
END;


--
-- Name: error_entry(integer, text, text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.error_entry(attempt integer, error text, stacktrace text) RETURNS jsonb
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT jsonb_build_object('attempt', attempt, 'at', now(), 'error', error, 'stacktrace', stacktrace) AS jsonb_build_object;
END;


--
-- Name: escape_for_message(text, integer); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.escape_for_message(value text, max_length integer DEFAULT 100) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    BEGIN ATOMIC
 SELECT (COALESCE(string_agg(
         CASE
             WHEN (c.ch = '\'::text) THEN '\\'::text
             WHEN (c.ch = '
'::text) THEN '\n'::text
             WHEN (c.ch = '
'::text) THEN '\r'::text
             WHEN (c.ch = '	'::text) THEN '\t'::text
             WHEN (c.ch ~ '[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]'::text) THEN ('\u'::text || lpad(to_hex(ascii(c.ch)), 4, '0'::text))
             ELSE c.ch
         END, ''::text ORDER BY c.n), ''::text) ||
         CASE
             WHEN (length(escape_for_message.value) > escape_for_message.max_length) THEN '...'::text
             ELSE ''::text
         END)
    FROM string_to_table("left"(escape_for_message.value, escape_for_message.max_length), NULL::text) WITH ORDINALITY c(ch, n);
END;


--
-- Name: FUNCTION escape_for_message(value text, max_length integer); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.escape_for_message(value text, max_length integer) IS 'A value as an error message shows it: backslash, control characters (C0, DEL, C1), line and paragraph separators and bidirectional formatting characters escaped (\\, \n, \r, \t, \uXXXX), cut after max_length characters (... marks a cut); any other text as it is. Every RAISE whose message names text a caller gave or stored passes it through here, because PostgREST puts the message of a PTxxx error into the HTTP status line as it is. The value as given may go into DETAIL, which only the JSON body carries. Null gives null.';


--
-- Name: escape_list_for_message(text[], integer); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.escape_list_for_message(vals text[], max_items integer DEFAULT 5) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    BEGIN ATOMIC
 SELECT concat_ws(' and '::text, string_agg(COALESCE(jobs_internal.escape_for_message(v.value), '<NULL>'::text), ', '::text ORDER BY v.n) FILTER (WHERE (v.n <= escape_list_for_message.max_items)),
         CASE
             WHEN (count(*) > escape_list_for_message.max_items) THEN format('%s more'::text, (count(*) - escape_list_for_message.max_items))
             ELSE NULL::text
         END) AS concat_ws
    FROM unnest(escape_list_for_message.vals) WITH ORDINALITY v(value, n);
END;


--
-- Name: FUNCTION escape_list_for_message(vals text[], max_items integer); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.escape_list_for_message(vals text[], max_items integer) IS 'Values as an error message lists them: the first max_items, each as escape_for_message shows it, separated by commas, then "and N more" when there are more.';


--
-- Name: etl_status(jobs.job_status); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.etl_status(status jobs.job_status) RETURNS text
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT
         CASE status
             WHEN 'running'::jobs.job_status THEN 'in_progress'::text
             WHEN 'completed'::jobs.job_status THEN 'success'::text
             WHEN 'failed'::jobs.job_status THEN 'error'::text
             ELSE (status)::text
         END AS status;
END;


--
-- Name: fire_due_schedules(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.fire_due_schedules(OUT fired integer, OUT skipped integer) RETURNS record
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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


--
-- Name: FUNCTION fire_due_schedules(OUT fired integer, OUT skipped integer); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.fire_due_schedules(OUT fired integer, OUT skipped integer) IS 'Enqueues the jobs of the due fire times of every enabled schedule (maintenance calls it). Fire times reached within schedule_grace() get one job each; an older one starts a missed stretch up to now, which gets one job (on_missed = run_once) or none (skip). Answers the jobs enqueued and the missed stretches skipped.';


--
-- Name: fire_schedule(text, timestamp with time zone); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.fire_schedule(schedule_name text, fire_at timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
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


--
-- Name: FUNCTION fire_schedule(schedule_name text, fire_at timestamp with time zone); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.fire_schedule(schedule_name text, fire_at timestamp with time zone) IS 'Enqueues the job of a schedule for one fire time, owned by the schedule''s owner; null when that fire time has its job already (the unique index job_schedule_fire_key).';


--
-- Name: fold_history(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.fold_history() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_history bigint;
    v_latest bigint;
    v_cutoff timestamptz := date_trunc('minute', now() - jobs_internal.history_minutes_kept());
BEGIN
    WITH appended AS (
        DELETE FROM jobs.job_history AS h
        WHERE NOT h.folded OR h.minute < v_cutoff
        RETURNING
            h.day, h.minute, h.queue, h.owner, h.name, h.status, h.bucket, h.jobs,
            h.duration_sum, h.queue_time_sum
    ),

    summed AS (
        SELECT
            a.day,
            CASE WHEN a.minute >= v_cutoff THEN a.minute END AS minute,
            a.queue, a.owner, a.name, a.status, a.bucket,
            sum(a.jobs) AS jobs,
            sum(a.duration_sum) AS duration_sum,
            sum(a.queue_time_sum) AS queue_time_sum,
            count(*) AS rows_folded
        FROM appended AS a
        GROUP BY 1, 2, a.queue, a.owner, a.name, a.status, a.bucket
    ),

    merged AS (
        INSERT INTO jobs.job_history AS h (
            day, minute, queue, owner, name, status, bucket, jobs, duration_sum,
            queue_time_sum, folded
        )
        SELECT
            s.day, s.minute, s.queue, s.owner, s.name, s.status, s.bucket, s.jobs,
            s.duration_sum, s.queue_time_sum, TRUE
        FROM summed AS s
        ON CONFLICT (day, minute, queue, owner, name, status, bucket) WHERE folded
        DO UPDATE SET
            jobs = h.jobs + excluded.jobs,
            duration_sum = h.duration_sum + excluded.duration_sum,
            queue_time_sum = h.queue_time_sum + excluded.queue_time_sum
    )

    SELECT coalesce(sum(s.rows_folded), 0) INTO v_history FROM summed AS s;

    WITH appended AS (
        DELETE FROM jobs.name_latest AS l WHERE NOT l.folded
        RETURNING l.name, l.owner, l.queue, l.job_id
    ),

    summed AS (
        SELECT a.name, a.owner, a.queue, max(a.job_id) AS job_id, count(*) AS rows_folded
        FROM appended AS a
        GROUP BY a.name, a.owner, a.queue
    ),

    merged AS (
        INSERT INTO jobs.name_latest AS l (name, owner, queue, job_id, folded)
        SELECT s.name, s.owner, s.queue, s.job_id, TRUE
        FROM summed AS s
        ON CONFLICT (name, owner, queue) WHERE folded
        DO UPDATE SET job_id = greatest(l.job_id, excluded.job_id)
    )

    SELECT coalesce(sum(s.rows_folded), 0) INTO v_latest FROM summed AS s;
    RETURN v_history + v_latest;
END;
$$;


--
-- Name: fold_queue_counts(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.fold_queue_counts() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_folded bigint;
BEGIN
    WITH appended AS (
        DELETE FROM jobs.queue_count AS c WHERE NOT c.folded
        RETURNING c.queue, c.owner, c.status, c.jobs
    ),

    summed AS (
        SELECT a.queue, a.owner, a.status, sum(a.jobs) AS jobs, count(*) AS rows_folded
        FROM appended AS a
        GROUP BY a.queue, a.owner, a.status
    ),

    merged AS (
        INSERT INTO jobs.queue_count AS c (queue, owner, status, jobs, folded)
        SELECT s.queue, s.owner, s.status, s.jobs, TRUE
        FROM summed AS s
        ON CONFLICT (queue, owner, status) WHERE folded
        DO UPDATE SET jobs = c.jobs + excluded.jobs
    )

    SELECT coalesce(sum(s.rows_folded), 0) INTO v_folded FROM summed AS s;
    -- Keys whose jobs are all gone.
    DELETE FROM jobs.queue_count AS c WHERE c.folded AND c.jobs = 0;
    RETURN v_folded;
END;
$$;


--
-- Name: get_job_in_scope(bigint); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.get_job_in_scope(job_id bigint) RETURNS jobs.job
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_job jobs.job;
    v_scope record;
BEGIN
    SELECT * INTO v_job FROM jobs.job AS j WHERE j.id = job_id;
    SELECT * INTO v_scope FROM jobs_internal.caller_scope();
    IF v_job.id IS NULL OR NOT coalesce(jobs_internal.in_scope(
        v_scope.everything, v_scope.owner, v_scope.queues, v_job.owner, v_job.queue
    ), FALSE) THEN
        RAISE EXCEPTION 'job % does not exist', job_id
            USING ERRCODE = 'PT404';
    END IF;
    RETURN v_job;
END;
$$;


--
-- Name: history_minutes_kept(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.history_minutes_kept() RETURNS interval
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT '02:00:00'::interval AS "interval";
END;


--
-- Name: in_scope(boolean, text, text[], text, text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.in_scope(scope_everything boolean, scope_owner text, scope_queues text[], owner text, queue text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (scope_everything OR (owner = scope_owner) OR (scope_queues @> ARRAY[queue]));
END;


--
-- Name: job_history; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.job_history (
    day date NOT NULL,
    queue text NOT NULL,
    name text NOT NULL,
    status jobs.job_status NOT NULL,
    bucket smallint,
    jobs bigint NOT NULL,
    duration_sum double precision,
    queue_time_sum double precision,
    owner text,
    folded boolean DEFAULT false NOT NULL,
    minute timestamp with time zone
);


--
-- Name: COLUMN job_history.minute; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON COLUMN jobs.job_history.minute IS 'The minute (UTC) the jobs finished in, for recent rows; null once folded into the day.';


--
-- Name: history_rows(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.history_rows() RETURNS TABLE(day date, queue text, name text, status jobs.job_status, bucket smallint, jobs bigint, duration_sum double precision, queue_time_sum double precision)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 WITH scope AS MATERIALIZED (
          SELECT c.everything,
             c.owner,
             c.queues
            FROM jobs_internal.caller_scope() c(everything, owner, queues)
         )
  SELECT h.day,
     h.queue,
     h.name,
     h.status,
     h.bucket,
     (sum(h.jobs))::bigint AS jobs,
     sum(h.duration_sum) AS duration_sum,
     sum(h.queue_time_sum) AS queue_time_sum
    FROM (jobs.job_history h
      CROSS JOIN scope s)
   WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, h.owner, h.queue)
   GROUP BY h.day, h.queue, h.name, h.status, h.bucket;
END;


--
-- Name: is_finished(jobs.job_status); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.is_finished(status jobs.job_status) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (status = ANY (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status]));
END;


--
-- Name: schedule; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.schedule (
    name text NOT NULL,
    cron text NOT NULL,
    time_zone text DEFAULT 'UTC'::text NOT NULL,
    queue text DEFAULT 'default'::text NOT NULL,
    job_name text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    priority smallint DEFAULT 2 NOT NULL,
    meta jsonb DEFAULT '{}'::jsonb NOT NULL,
    locks text[] DEFAULT '{}'::text[] NOT NULL,
    max_attempts integer,
    enabled boolean DEFAULT true NOT NULL,
    on_missed text DEFAULT 'run_once'::text NOT NULL,
    last_fire_at timestamp with time zone,
    next_fire_at timestamp with time zone,
    last_error text,
    owner text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT schedule_job_name_is_short CHECK ((length(job_name) <= 1000)),
    CONSTRAINT schedule_job_name_not_empty CHECK ((job_name <> ''::text)),
    CONSTRAINT schedule_locks_are_names CHECK (((array_position(locks, NULL::text) IS NULL) AND (NOT (''::text = ANY (locks))) AND (length(array_to_string(locks, ','::text)) <= 1000))),
    CONSTRAINT schedule_max_attempts_is_positive CHECK ((max_attempts >= 1)),
    CONSTRAINT schedule_name_is_short CHECK ((length(name) <= 200)),
    CONSTRAINT schedule_name_not_empty CHECK ((name <> ''::text)),
    CONSTRAINT schedule_on_missed_is_known CHECK ((on_missed = ANY (ARRAY['run_once'::text, 'skip'::text]))),
    CONSTRAINT schedule_priority_in_range CHECK (((priority >= 1) AND (priority <= 4))),
    CONSTRAINT schedule_queue_is_short CHECK ((length(queue) <= 200)),
    CONSTRAINT schedule_queue_not_empty CHECK ((queue <> ''::text))
);


--
-- Name: is_schedule_owner(text, text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.is_schedule_owner(schedule_name text, owner text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 SELECT (count(*) > 0) AS owns
    FROM jobs.schedule s
   WHERE ((s.name = is_schedule_owner.schedule_name) AND (NOT (s.owner IS DISTINCT FROM is_schedule_owner.owner)));
END;


--
-- Name: job_status_of_etl(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.job_status_of_etl(status text) RETURNS jobs.job_status
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    CASE status
        WHEN 'in_progress' THEN RETURN 'running'::jobs.job_status;
        WHEN 'success' THEN RETURN 'completed'::jobs.job_status;
        WHEN 'error' THEN RETURN 'failed'::jobs.job_status;
        ELSE
            RAISE EXCEPTION 'status must be in_progress, success or error, not %',
                jobs_internal.escape_for_message(status)
                USING ERRCODE = '22023';
    END CASE;
END;
$$;


--
-- Name: name_latest; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.name_latest (
    name text NOT NULL,
    job_id bigint NOT NULL,
    owner text,
    queue text,
    folded boolean DEFAULT false NOT NULL
);


--
-- Name: latest_job_ids(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.latest_job_ids() RETURNS TABLE(name text, job_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 WITH scope AS MATERIALIZED (
          SELECT c.everything,
             c.owner,
             c.queues
            FROM jobs_internal.caller_scope() c(everything, owner, queues)
         )
  SELECT n.name,
     max(n.job_id) AS job_id
    FROM (jobs.name_latest n
      CROSS JOIN scope s)
   WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, n.owner, n.queue)
   GROUP BY n.name;
END;


--
-- Name: lock_is_taken(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.lock_is_taken(name text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 SELECT (count(*) > 0) AS taken
    FROM jobs.job_lock h
   WHERE (h.name = lock_is_taken.name);
END;


--
-- Name: lock_is_visible(text, bigint); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.lock_is_visible(holder text, job_id bigint) RETURNS boolean
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT (COALESCE((jobs_internal.caller_role() = 'jobs_admin'::text), false) OR (lock_is_visible.holder = jobs_internal.current_actor()) OR (EXISTS ( SELECT 1
            FROM jobs.job j
           WHERE ((j.id = lock_is_visible.job_id) AND jobs_internal.in_scope(s.everything, s.owner, s.queues, j.owner, j.queue)))))
    FROM jobs_internal.caller_scope() s(everything, owner, queues);
END;


--
-- Name: login_queues(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.login_queues() RETURNS text[]
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
    RETURN coalesce(
        (SELECT w.queues FROM jobs.worker_login AS w WHERE w.role_name = session_user),
        '{}'::text[]
    );
END;
$$;


--
-- Name: maintenance_mode(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.maintenance_mode() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
    IF to_regclass('cron.job') IS NOT NULL THEN
        IF EXISTS (
            SELECT FROM cron.job AS c
            WHERE
                c.jobname = 'jobsapi-maintenance' AND c.active
                AND c.database = current_database()
        ) THEN
            RETURN 'pg_cron';
        END IF;
    END IF;
    RETURN 'workers';
END;
$$;


--
-- Name: FUNCTION maintenance_mode(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.maintenance_mode() IS 'pg_cron when pg_cron''s active job jobsapi-maintenance runs api.run_maintenance() in this database, else workers (jobsapi worker and jobsapi maintain run it).';


--
-- Name: max_batch_jobs(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.max_batch_jobs() RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT 10000;
END;


--
-- Name: FUNCTION max_batch_jobs(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.max_batch_jobs() IS 'Most jobs one POST /jobs (or /etl_jobs) may submit: 10,000.';


--
-- Name: max_json_depth(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.max_json_depth() RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT 64;
END;


--
-- Name: FUNCTION max_json_depth(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.max_json_depth() IS 'How deep payload, result and meta may be nested: 64 levels below the top.';


--
-- Name: merged_queues_limit(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.merged_queues_limit() RETURNS integer
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT 16;
END;


--
-- Name: FUNCTION merged_queues_limit(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.merged_queues_limit() IS 'The most queues a claim walks one by one, each from its claim floor; a claim of more reads them as one walk.';


--
-- Name: metric_duration_bounds(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.metric_duration_bounds() RETURNS double precision[]
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT ARRAY[(0.005)::double precision, (0.01)::double precision, (0.025)::double precision, (0.05)::double precision, (0.1)::double precision, (0.25)::double precision, (0.5)::double precision, (1)::double precision, (2.5)::double precision, (5)::double precision, (10)::double precision, (30)::double precision, (60)::double precision, (120)::double precision, (300)::double precision, (600)::double precision, (1800)::double precision, (3600)::double precision] AS "array";
END;


--
-- Name: metric_family(text, text, text, text[]); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.metric_family(name text, kind text, help text, samples text[]) RETURNS text
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (format('# HELP %s %s
# TYPE %s %s
'::text, metric_family.name, metric_family.help, metric_family.name, metric_family.kind) || COALESCE(string_agg((s.line || '
'::text), ''::text ORDER BY s.n), ''::text))
    FROM unnest(metric_family.samples) WITH ORDINALITY s(line, n);
END;


--
-- Name: metric_label(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.metric_label(value text) RETURNS text
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT (('"'::text || replace(replace(replace(value, '\'::text, '\\'::text), '"'::text, '\"'::text), '
'::text, '\n'::text)) || '"'::text);
END;


--
-- Name: minute_history_rows(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.minute_history_rows() RETURNS TABLE(minute timestamp with time zone, queue text, status jobs.job_status, bucket smallint, jobs bigint, duration_sum double precision, queue_time_sum double precision)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 WITH scope AS MATERIALIZED (
          SELECT c.everything,
             c.owner,
             c.queues
            FROM jobs_internal.caller_scope() c(everything, owner, queues)
         )
  SELECT h.minute,
     h.queue,
     h.status,
     h.bucket,
     (sum(h.jobs))::bigint AS jobs,
     sum(h.duration_sum) AS duration_sum,
     sum(h.queue_time_sum) AS queue_time_sum
    FROM (jobs.job_history h
      CROSS JOIN scope s)
   WHERE ((h.minute >= date_trunc('minute'::text, (now() - jobs_internal.history_minutes_kept()))) AND jobs_internal.in_scope(s.everything, s.owner, s.queues, h.owner, h.queue))
   GROUP BY h.minute, h.queue, h.status, h.bucket;
END;


--
-- Name: notify_enabled(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.notify_enabled() RETURNS boolean
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT (COALESCE(current_setting('jobsapi.notify'::text, true), ''::text) <> ALL (ARRAY['off'::text, 'false'::text, '0'::text]));
END;


--
-- Name: FUNCTION notify_enabled(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.notify_enabled() IS 'True unless the setting jobsapi.notify is off: then no NOTIFY jobs_queued is sent.';


--
-- Name: pick_due_jobs(text[], integer); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.pick_due_jobs(queues text[], max_jobs integer) RETURNS bigint[]
    LANGUAGE plpgsql
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    v_paused text[] := ARRAY(SELECT q.name FROM jobs.queue AS q WHERE q.paused);
    v_queues text[];
    -- The queues walked one by one (all of v_queues, or none).
    v_walked text[] := '{}'::text[];
    -- The floors of v_walked[i] are v_floors[4 * i - 3 .. 4 * i], by priority.
    v_floors timestamptz[] := '{}'::timestamptz[];
    v_ids bigint[] := '{}'::bigint[];
    v_found bigint[];
    v_due bigint[];
BEGIN
    IF cardinality(queues) = 1 THEN
        v_queues := CASE WHEN queues[1] <> ALL(v_paused) THEN queues ELSE '{}' END;
    ELSE
        v_queues := ARRAY(
            SELECT q.name FROM jobs.queue AS q
            WHERE (queues IS NULL OR q.name = ANY(queues)) AND NOT q.paused
            ORDER BY q.name
        );
    END IF;
    IF cardinality(v_queues) > jobs_internal.merged_queues_limit() THEN
        SELECT coalesce(array_agg(d.id), '{}') INTO v_ids FROM (
            SELECT j.id FROM jobs.job AS j
            WHERE
                j.status = 'queued' AND j.queue = ANY(v_queues)
                AND (
                    j.locks = '{}' OR NOT EXISTS (
                        SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                    )
                )
            ORDER BY j.priority DESC, j.run_at ASC, j.id ASC
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED
        ) AS d;
    ELSE
        v_walked := v_queues;
    END IF;
    FOR v_i IN 1..cardinality(v_walked) LOOP
        v_floors := v_floors || jobs_internal.claim_floors(v_walked[v_i]);
    END LOOP;
    FOR v_priority IN REVERSE 4..1 LOOP
        EXIT WHEN cardinality(v_ids) >= max_jobs;
        v_found := '{}';
        FOR v_i IN 1..cardinality(v_walked) LOOP
            SELECT v_found || coalesce(array_agg(d.id), '{}') INTO v_found FROM (
                SELECT j.id FROM jobs.job AS j
                WHERE
                    j.status = 'queued' AND j.queue = v_walked[v_i]
                    AND j.priority = v_priority
                    AND j.run_at >= v_floors[4 * v_i - 4 + v_priority]
                    AND (
                        j.locks = '{}' OR NOT EXISTS (
                            SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                        )
                    )
                ORDER BY j.run_at ASC, j.id ASC
                LIMIT max_jobs - cardinality(v_ids)
                FOR UPDATE SKIP LOCKED
            ) AS d;
        END LOOP;
        IF cardinality(v_walked) > 1 THEN
            v_found := ARRAY(
                SELECT j.id FROM jobs.job AS j
                WHERE j.id = ANY(v_found)
                ORDER BY j.run_at ASC, j.id ASC
                LIMIT max_jobs - cardinality(v_ids)
            );
        END IF;
        v_ids := v_ids || v_found;
    END LOOP;
    v_due := jobs_internal.pick_due_scheduled(v_queues, max_jobs);
    IF v_due IS NOT NULL THEN
        -- Rows locked here but not taken are free again at commit.
        v_ids := ARRAY(
            SELECT j.id FROM jobs.job AS j
            WHERE j.id = ANY(v_ids || v_due)
            ORDER BY j.priority DESC, j.run_at ASC, j.id ASC
            LIMIT max_jobs
        );
    END IF;
    RETURN v_ids;
END;
$$;


--
-- Name: pick_due_scheduled(text[], integer); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.pick_due_scheduled(queues text[], max_jobs integer) RETURNS bigint[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_ids bigint[];
    -- The wall clock, not the transaction's start: a long-poll claim sees
    -- jobs that come due while it waits. Read once, so that it bounds the
    -- index scans.
    v_now timestamptz := clock_timestamp();
BEGIN
    IF NOT coalesce((
        SELECT j.run_at FROM jobs.job AS j
        WHERE j.status = 'scheduled' AND NOT j.waiting
        ORDER BY j.run_at
        LIMIT 1
    ) <= v_now, FALSE) THEN
        RETURN NULL;
    END IF;
    IF cardinality(queues) > jobs_internal.merged_queues_limit() THEN
        SELECT array_agg(d.id) INTO v_ids FROM (
            SELECT j.id FROM jobs.job AS j
            WHERE
                j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= v_now
                AND j.queue = ANY(queues)
                AND (
                    j.locks = '{}' OR NOT EXISTS (
                        SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                    )
                )
            ORDER BY j.run_at ASC
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED
        ) AS d;
        RETURN v_ids;
    END IF;
    FOR v_i IN 1..cardinality(queues) LOOP
        SELECT v_ids || array_agg(d.id) INTO v_ids FROM (
            SELECT j.id FROM jobs.job AS j
            WHERE
                j.status = 'scheduled' AND NOT j.waiting
                AND j.queue = queues[v_i] AND j.run_at <= v_now
                AND (
                    j.locks = '{}' OR NOT EXISTS (
                        SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                    )
                )
            ORDER BY j.queue ASC, j.run_at ASC
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED
        ) AS d;
    END LOOP;
    RETURN v_ids;
END;
$$;


--
-- Name: promote_due_jobs(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.promote_due_jobs() RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_count integer;
BEGIN
    -- An UPDATE of no rows still fires the statement triggers: look first.
    IF NOT EXISTS (
        SELECT FROM jobs.job AS j
        WHERE j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= now()
    ) THEN
        RETURN 0;
    END IF;
    WITH due AS (
        SELECT j.id
        FROM jobs.job AS j
        WHERE j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= now()
        ORDER BY j.run_at
        LIMIT 1000
        FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs.job AS j
    SET status = 'queued'
    FROM due AS d
    WHERE j.id = d.id;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END;
$$;


--
-- Name: prune_history(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.prune_history() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_deleted bigint;
BEGIN
    DELETE FROM jobs.job_history AS h
    USING jobs.maintenance AS m
    WHERE h.day < (now() AT TIME ZONE 'UTC')::date - m.history_days;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END;
$$;


--
-- Name: queue_count; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.queue_count (
    queue text NOT NULL,
    status jobs.job_status NOT NULL,
    jobs bigint NOT NULL,
    owner text,
    folded boolean DEFAULT false NOT NULL
);


--
-- Name: queue_counts(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.queue_counts() RETURNS TABLE(queue text, status jobs.job_status, jobs bigint)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 WITH scope AS MATERIALIZED (
          SELECT c_1.everything,
             c_1.owner,
             c_1.queues
            FROM jobs_internal.caller_scope() c_1(everything, owner, queues)
         )
  SELECT c.queue,
     c.status,
     (sum(c.jobs))::bigint AS jobs
    FROM (jobs.queue_count c
      CROSS JOIN scope s)
   WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, c.owner, c.queue)
   GROUP BY c.queue, c.status;
END;


--
-- Name: queue_depth(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.queue_depth(queue text) RETURNS TABLE(due_scheduled bigint, oldest_run_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $_$
DECLARE
    v_scope record;
BEGIN
    SELECT s.* INTO v_scope FROM jobs_internal.caller_scope() AS s;
    IF v_scope.everything OR v_scope.queues @> ARRAY[$1] THEN
        RETURN QUERY
        SELECT d.due, least(d.oldest, o.oldest)
        FROM (
            SELECT count(*) AS due, min(s.run_at) AS oldest
            FROM jobs.job AS s
            WHERE
                s.status = 'scheduled' AND NOT s.waiting
                AND s.run_at <= now() AND s.queue = $1
        ) AS d
        CROSS JOIN (
            -- One probe of job_claim_idx per priority: the oldest queued job.
            SELECT min(p.run_at) AS oldest
            FROM generate_series(1, 4) AS g (priority)
            CROSS JOIN LATERAL (
                SELECT j.run_at FROM jobs.job AS j
                WHERE j.status = 'queued' AND j.queue = $1 AND j.priority = g.priority
                ORDER BY j.run_at
                LIMIT 1
            ) AS p
        ) AS o;
    ELSIF v_scope.owner IS NOT NULL THEN
        -- A user's own jobs (job_owner_idx).
        RETURN QUERY
        SELECT
            count(*) FILTER (WHERE j.status = 'scheduled'),
            min(j.run_at)
        FROM jobs.job AS j
        WHERE
            j.queue = $1
            AND j.owner = v_scope.owner
            AND (
                j.status = 'queued'
                OR (j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= now())
            );
    ELSE
        RETURN QUERY SELECT 0::bigint, NULL::timestamptz;
    END IF;
END;
$_$;


--
-- Name: raise_claim_floors(text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.raise_claim_floors(queue text) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_floors timestamptz[] := jobs_internal.current_claim_floors(raise_claim_floors.queue);
BEGIN
    INSERT INTO jobs.claim_floor AS f (queue, priority, run_at, raised_at)
    SELECT
        raise_claim_floors.queue,
        p.priority,
        coalesce(
            (
                SELECT j.run_at FROM jobs.job AS j
                WHERE
                    j.status = 'queued' AND j.queue = raise_claim_floors.queue
                    AND j.priority = p.priority AND j.run_at >= v_floors[p.priority]
                ORDER BY j.run_at
                LIMIT 1
            ),
            -- None queued: whatever is queued later is either later than
            -- now or recorded low.
            clock_timestamp()
        ),
        clock_timestamp()
    FROM generate_series(1, 4) AS p (priority)
    -- (A claim may name a queue that no job created yet.)
    WHERE EXISTS (SELECT FROM jobs.queue AS q WHERE q.name = raise_claim_floors.queue)
    ON CONFLICT ON CONSTRAINT claim_floor_pkey DO UPDATE
        SET run_at = excluded.run_at, raised_at = excluded.raised_at;
    DELETE FROM jobs.claim_floor_low AS l WHERE l.queue = raise_claim_floors.queue;
END;
$$;


--
-- Name: rebuild_queue_counts(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.rebuild_queue_counts() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
    LOCK TABLE jobs.job IN SHARE MODE;
    DELETE FROM jobs.queue_count;
    INSERT INTO jobs.queue_count (queue, owner, status, jobs, folded)
    SELECT j.queue, j.owner, j.status, count(*), TRUE
    FROM jobs.job AS j
    GROUP BY j.queue, j.owner, j.status;
END;
$$;


--
-- Name: rescue_expired_leases(text[]); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.rescue_expired_leases(queues text[]) RETURNS bigint[]
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_ids bigint[];
BEGIN
    -- An UPDATE of no rows still fires the statement triggers: look first.
    IF NOT EXISTS (
        SELECT FROM jobs.job AS j
        WHERE
            j.status IN ('running', 'cancelling')
            AND j.lease_expires_at < now()
            AND (queues IS NULL OR j.queue = ANY(queues))
    ) THEN
        RETURN '{}'::bigint[];
    END IF;
    WITH expired AS (
        SELECT
            j.id,
            coalesce(j.max_attempts, q.max_attempts) AS max_attempts,
            format('lease expired: worker %s stopped heartbeating', j.worker)
                AS error
        FROM jobs.job AS j
        INNER JOIN jobs.queue AS q ON j.queue = q.name
        WHERE
            j.status IN ('running', 'cancelling')
            AND j.lease_expires_at < now()
            AND (queues IS NULL OR j.queue = ANY(queues))
        ORDER BY j.lease_expires_at
        LIMIT 1000
        FOR UPDATE OF j SKIP LOCKED
    ),

    rescued AS (
        UPDATE jobs.job AS j
        SET
            status = CASE
                WHEN j.status = 'cancelling' THEN 'cancelled'
                WHEN j.attempts < e.max_attempts THEN 'queued'
                ELSE 'failed'
            END::jobs.job_status,
            error = e.error,
            errors = j.errors || jobs_internal.error_entry(j.attempts, e.error, NULL)
        FROM expired AS e
        WHERE j.id = e.id
        RETURNING j.id
    )

    SELECT coalesce(array_agg(r.id), '{}') INTO v_ids FROM rescued AS r;
    RETURN v_ids;
END;
$$;


--
-- Name: unfinished_descendant(bigint); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.unfinished_descendant(job_id bigint) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 SELECT min(d.id) AS min
    FROM ( SELECT r.id
            FROM jobs.job r
           WHERE ((r.retry_of = unfinished_descendant.job_id) AND (r.status <> ALL (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status])))
         UNION ALL
          SELECT r.id
            FROM jobs.job r
           WHERE ((r.root_job_id = unfinished_descendant.job_id) AND (r.status <> ALL (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status])))
         UNION ALL
          SELECT f.id
            FROM jobs.job f
           WHERE ((f.after_job_id = unfinished_descendant.job_id) AND (f.status <> ALL (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status])))) d;
END;


--
-- Name: FUNCTION unfinished_descendant(job_id bigint); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.unfinished_descendant(job_id bigint) IS 'One job (the lowest id) that descends from this one (a retry of it or of its chain, or a job that runs after it) and has not finished; null when there is none. Such a job keeps this one from being deleted.';


--
-- Name: retention_keeps(bigint, text, text, jobs.job_status, timestamp with time zone); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 SELECT ((EXISTS ( SELECT
            FROM jobs.name_latest l
           WHERE ((l.job_id = retention_keeps.job_id) AND (NOT (EXISTS ( SELECT
                    FROM jobs.name_latest m
                   WHERE ((m.name = l.name) AND (m.queue = l.queue) AND (NOT (m.owner IS DISTINCT FROM l.owner)) AND (m.job_id > l.job_id)))))))) OR ((status = 'completed'::jobs.job_status) AND (started_at IS NOT NULL) AND (NOT (EXISTS ( SELECT
            FROM jobs.job k
           WHERE ((k.name = retention_keeps.name) AND (k.status = 'completed'::jobs.job_status) AND (NOT (k.owner IS DISTINCT FROM retention_keeps.owner)) AND (ROW(k.started_at, k.id) > ROW(retention_keeps.started_at, retention_keeps.job_id))))))) OR (jobs_internal.unfinished_descendant(job_id) IS NOT NULL));
END;


--
-- Name: FUNCTION retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone) IS 'True for a finished job that retention must keep: the newest completed run of its name and owner (last_success), the newest job of its name, owner and queue (latest_runs), or a job with an unfinished descendant.';


--
-- Name: schedule_grace(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.schedule_grace() RETURNS interval
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT '00:05:00'::interval AS "interval";
END;


--
-- Name: FUNCTION schedule_grace(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.schedule_grace() IS 'How late a fire time may be reached and still count as on time (5 minutes); later, it was missed and the schedule''s on_missed decides.';


--
-- Name: seconds_to_next_due(text[]); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.seconds_to_next_due(queues text[]) RETURNS double precision
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO ''
    BEGIN ATOMIC
 SELECT (EXTRACT(epoch FROM (min(d.run_at) - now())))::double precision AS "extract"
    FROM ( SELECT ( SELECT j.run_at
                    FROM jobs.job j
                   WHERE ((j.status = 'scheduled'::jobs.job_status) AND (NOT j.waiting) AND (j.run_at > now()) AND (j.queue = q.name))
                   ORDER BY j.run_at
                  LIMIT 1) AS run_at
            FROM unnest(seconds_to_next_due.queues) q(name)
         UNION ALL
          SELECT min(j.run_at) AS run_at
            FROM jobs.job j
           WHERE ((seconds_to_next_due.queues IS NULL) AND (j.status = 'scheduled'::jobs.job_status) AND (NOT j.waiting) AND (j.run_at > now()))) d;
END;


--
-- Name: see_worker(text, text[]); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.see_worker(worker text, queues text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
    INSERT INTO jobs.worker AS w (name, queues)
    VALUES (see_worker.worker, see_worker.queues)
    ON CONFLICT (name) DO UPDATE
        SET
            last_seen = now(),
            queues = coalesce(excluded.queues, w.queues),
            stopped_at = NULL;
END;
$$;


--
-- Name: take_job_locks(bigint[], text); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.take_job_locks(job_ids bigint[], worker text) RETURNS bigint[]
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_losers bigint[];
BEGIN
    INSERT INTO jobs.job_lock (name, job_id, worker)
    SELECT DISTINCT ON (l.name) l.name, j.id, take_job_locks.worker
    FROM jobs.job AS j
    CROSS JOIN LATERAL unnest(j.locks) AS l (name)
    WHERE j.id = ANY(job_ids)
    ORDER BY l.name ASC, j.priority DESC, j.run_at ASC, j.id ASC
    ON CONFLICT (name) DO NOTHING;

    SELECT array_agg(j.id) INTO v_losers
    FROM jobs.job AS j
    WHERE
        j.id = ANY(job_ids)
        AND EXISTS (
            SELECT FROM unnest(j.locks) AS l (name)
            WHERE NOT EXISTS (
                SELECT FROM jobs.job_lock AS h
                WHERE h.name = l.name AND h.job_id = j.id
            )
        );
    IF v_losers IS NULL THEN
        RETURN job_ids;
    END IF;
    DELETE FROM jobs.job_lock AS h WHERE h.job_id = ANY(v_losers);
    RETURN ARRAY(SELECT unnest(job_ids) EXCEPT SELECT unnest(v_losers));
END;
$$;


--
-- Name: tg_etl_jobs__write(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_etl_jobs__write() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
DECLARE
    v_id bigint;
    v_status jobs.job_status;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM jobs.job AS j WHERE j.id = OLD.id;
        RETURN OLD;
    END IF;
    v_status := jobs_internal.job_status_of_etl(coalesce(NEW.status, 'in_progress'));
    IF NEW.source IS NULL OR NEW.destination IS NULL THEN
        RAISE EXCEPTION 'an ETL run needs a source and a destination'
            USING ERRCODE = '23502';
    END IF;
    -- Checked on jobs.job too, but there under the names of jobs.
    IF NOT isfinite(NEW.start_date) THEN
        RAISE EXCEPTION 'start_date must be a date and time, not %', NEW.start_date
            USING ERRCODE = '22023';
    ELSIF NOT isfinite(NEW.end_date) THEN
        RAISE EXCEPTION 'end_date must be a date and time, not %', NEW.end_date
            USING ERRCODE = '22023';
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- A run starts running; one logged after the fact ends at once.
        INSERT INTO jobs.job (
            queue, name, type, status, started_at, message, meta, owner
        ) VALUES (
            'etl', NEW.name, 'etl', 'running', coalesce(NEW.start_date, now()),
            NEW.message,
            jsonb_build_object('source', NEW.source, 'destination', NEW.destination),
            jobs_internal.current_actor()
        )
        RETURNING id INTO v_id;
    ELSE
        v_id := OLD.id;
    END IF;
    UPDATE jobs.job AS j
    SET
        name = NEW.name,
        started_at = coalesce(NEW.start_date, j.started_at),
        ended_at = NEW.end_date,
        message = NEW.message,
        error = CASE WHEN v_status = 'failed' THEN NEW.message END,
        meta = j.meta || jsonb_build_object(
            'source', NEW.source, 'destination', NEW.destination
        ),
        result = CASE
            WHEN NEW.records_processed IS NULL THEN j.result
            ELSE coalesce(j.result, '{}')
                || jsonb_build_object('records_processed', NEW.records_processed)
        END,
        num_success = coalesce(NEW.records_processed, j.num_success),
        status = v_status
    WHERE j.id = v_id;
    SELECT * INTO NEW FROM api.etl_jobs AS e WHERE e.id = v_id;
    RETURN NEW;
END;
$$;


--
-- Name: tg_job__check_batch(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__check_batch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_count bigint := (SELECT count(*) FROM new_rows);
BEGIN
    IF v_count > jobs_internal.max_batch_jobs() THEN
        RAISE EXCEPTION 'a request may submit at most % jobs, not %',
            jobs_internal.max_batch_jobs(), v_count
            USING ERRCODE = 'PT413',
                HINT = 'Send them in several requests.';
    END IF;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__check_limits(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__check_limits() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
DECLARE
    v_max_bytes integer;
    v_field record;
BEGIN
    FOR v_field IN
        SELECT t.name, t.value
        FROM (VALUES (1, 'payload', NEW.payload), (2, 'result', NEW.result), (3, 'meta', NEW.meta))
            AS t (n, name, value)
        WHERE t.value IS NOT NULL
        ORDER BY t.n
    LOOP
        IF jsonb_path_exists(v_field.value, 'strict $.**{65}') THEN
            RAISE EXCEPTION '% is nested deeper than % levels', v_field.name,
                jobs_internal.max_json_depth()
                USING ERRCODE = '22023',
                    DETAIL = format('%s nesting > %s', v_field.name, jobs_internal.max_json_depth()),
                    HINT = 'Flatten it, or store the data elsewhere and pass a reference.';
        END IF;
        IF v_max_bytes IS NULL THEN
            SELECT q.max_payload_bytes INTO v_max_bytes
            FROM jobs.queue AS q WHERE q.name = NEW.queue;
            v_max_bytes := coalesce(v_max_bytes, 1048576);
        END IF;
        IF pg_column_size(v_field.value) > v_max_bytes THEN
            RAISE EXCEPTION '% is % bytes; queue % allows at most %',
                v_field.name, pg_column_size(v_field.value),
                jobs_internal.escape_for_message(NEW.queue), v_max_bytes
                USING ERRCODE = 'PT413',
                    DETAIL = format('%s=%s bytes max_payload_bytes=%s', v_field.name,
                        pg_column_size(v_field.value), v_max_bytes),
                    HINT = 'An admin may raise the queue''s max_payload_bytes (up to 100 MB); '
                    'better, store large data elsewhere and pass a reference.';
        END IF;
    END LOOP;
    SELECT t.name, t.length, t.max INTO v_field
    FROM (
        VALUES
        (1, 'message', length(NEW.message), 10000),
        (2, 'error', length(NEW.error), 10000),
        (3, 'stacktrace', length(NEW.stacktrace), 100000)
    ) AS t (n, name, length, max)
    WHERE t.length > t.max
    ORDER BY t.n
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION '% is % characters long; at most %', v_field.name, v_field.length,
            v_field.max
            USING ERRCODE = 'PT413',
                DETAIL = format('%s length=%s max=%s', v_field.name, v_field.length, v_field.max);
    END IF;
    RETURN NEW;
END;
$_$;


--
-- Name: tg_job__check_priority(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__check_priority() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'Priority must be between 1 (low) and 4 (urgent)'
        USING ERRCODE = '22023',
            DETAIL = format('priority=%s', NEW.priority);
END;
$$;


--
-- Name: tg_job__check_times(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__check_times() RETURNS trigger
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


--
-- Name: tg_job__claim_floor(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__claim_floor() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(jobs_internal.claim_floor_lock_class(), hashtext(q.queue))
    FROM (
        SELECT DISTINCT n.queue FROM new_rows AS n WHERE n.status = 'queued' ORDER BY n.queue
    ) AS q;
    IF FOUND THEN
        INSERT INTO jobs.claim_floor_low (queue, priority, run_at)
        SELECT l.queue, l.priority, l.run_at
        FROM (
            SELECT n.queue, n.priority, min(n.run_at) AS run_at
            FROM new_rows AS n
            WHERE n.status = 'queued'
            GROUP BY n.queue, n.priority
        ) AS l
        WHERE
            current_setting('transaction_isolation') <> 'read committed'
            OR l.run_at < (
                SELECT f.run_at FROM jobs.claim_floor AS f
                WHERE f.queue = l.queue AND f.priority = l.priority
            );
    END IF;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__count_truncate(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__count_truncate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
    DELETE FROM jobs.queue_count;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__counts_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__counts_delete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT o.queue, o.owner, o.status, -count(*)
    FROM old_rows AS o
    GROUP BY o.queue, o.owner, o.status;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__counts_insert(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__counts_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT n.queue, n.owner, n.status, count(*)
    FROM new_rows AS n
    GROUP BY n.queue, n.owner, n.status;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__counts_update(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__counts_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'off'
    SET jit TO 'off'
    AS $$
BEGIN
    -- (a heartbeat changes no status and appends nothing)
    INSERT INTO jobs.queue_count (queue, owner, status, jobs)
    SELECT c.queue, c.owner, c.status, sum(c.jobs)
    FROM (
        SELECT o.queue, o.owner, o.status, -1 AS jobs FROM old_rows AS o
        UNION ALL
        SELECT n.queue, n.owner, n.status, 1 AS jobs FROM new_rows AS n
    ) AS c
    GROUP BY c.queue, c.owner, c.status
    HAVING sum(c.jobs) <> 0;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__create_queue(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__create_queue() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
    INSERT INTO jobs.queue (name) VALUES (NEW.queue) ON CONFLICT DO NOTHING;
    RETURN NEW;
END;
$$;


--
-- Name: tg_job__events_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__events_delete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    DELETE FROM jobs.job_event AS e
    USING old_rows AS o
    WHERE e.job_id = o.id;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__events_insert(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__events_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
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


--
-- Name: tg_job__events_update(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__events_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'off'
    SET jit TO 'off'
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


--
-- Name: tg_job__files_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__files_delete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    DELETE FROM jobs.job_file AS f
    USING old_rows AS o
    WHERE f.job_id = o.id;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__follow_ups_insert(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__follow_ups_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    -- the job a follow-up waits for shows it as next_job_id.
    IF EXISTS (SELECT FROM new_rows AS n WHERE n.after_job_id IS NOT NULL) THEN
        UPDATE jobs.job AS p
        SET next_job_id = n.id
        FROM new_rows AS n
        WHERE p.id = n.after_job_id AND p.next_job_id IS NULL;
    END IF;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__follow_ups_update(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__follow_ups_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'off'
    SET jit TO 'off'
    AS $$
BEGIN
    -- due (queued, or scheduled until their own run_at) when the
    -- job they wait for completed, cancelled when it failed or was
    -- cancelled. The UPDATE fires this trigger again for the jobs it
    -- changes, which cascades down a chain; a statement that finishes no
    -- job ends it.
    IF EXISTS (
        SELECT FROM new_rows AS n
        WHERE n.status IN ('completed', 'failed', 'cancelled')
    ) AND (
        -- A scalar probe ordered by the key of job_waiting_idx, so that
        -- whatever the statistics say it reads the first entry of that
        -- small index, not the table. (Not EXISTS: PostgreSQL drops the
        -- ORDER BY and LIMIT of an EXISTS and may scan the table.)
        SELECT w.after_job_id FROM jobs.job AS w WHERE w.waiting
        ORDER BY w.after_job_id LIMIT 1
    ) IS NOT NULL THEN
        UPDATE jobs.job AS w
        SET
            waiting = FALSE,
            status = CASE
                WHEN n.status <> 'completed' THEN 'cancelled'
                WHEN w.run_at <= now() THEN 'queued'
                ELSE 'scheduled'
            END::jobs.job_status,
            message = CASE
                WHEN n.status = 'completed' THEN w.message
                ELSE format('job %s, which this job runs after, %s', n.id, n.status)
            END
        FROM new_rows AS n
        WHERE
            w.after_job_id = n.id
            AND w.waiting
            AND n.status IN ('completed', 'failed', 'cancelled');
    END IF;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__guard_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__guard_delete() RETURNS trigger
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


--
-- Name: tg_job__guard_lineage(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__guard_lineage() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_descendant bigint := jobs_internal.unfinished_descendant(OLD.id);
BEGIN
    IF v_descendant IS NOT NULL THEN
        RAISE EXCEPTION 'job % cannot be deleted while job %, which descends from it, has not finished',
            OLD.id, v_descendant
            USING ERRCODE = 'PT409',
                DETAIL = format('job_id=%s descendant=%s', OLD.id, v_descendant),
                HINT = 'Wait for its retries and follow-ups to finish, or cancel them.';
    END IF;
    RETURN OLD;
END;
$$;


--
-- Name: tg_job__guard_transition(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__guard_transition() RETURNS trigger
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


--
-- Name: tg_job__history_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__history_delete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    -- the ledger forgets the deleted jobs; a name whose newest job
    -- went falls back to the one before (rare: retention deletes the oldest
    -- jobs first).
    WITH orphaned AS (
        DELETE FROM jobs.name_latest AS l
        USING old_rows AS o
        WHERE l.job_id = o.id
        RETURNING l.name, l.owner, l.queue
    )

    INSERT INTO jobs.name_latest (name, owner, queue, job_id)
    SELECT d.name, d.owner, d.queue, j.job_id
    FROM (SELECT DISTINCT o.name, o.owner, o.queue FROM orphaned AS o) AS d
    CROSS JOIN LATERAL (
        SELECT max(k.id) AS job_id
        FROM jobs.job AS k
        WHERE
            k.name = d.name
            AND k.owner IS NOT DISTINCT FROM d.owner
            AND k.queue = d.queue
    ) AS j
    WHERE j.job_id IS NOT NULL;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__history_insert(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__history_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    INSERT INTO jobs.name_latest (name, owner, queue, job_id)
    SELECT n.name, n.owner, n.queue, max(n.id)
    FROM new_rows AS n
    GROUP BY n.name, n.owner, n.queue;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__history_update(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__history_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'off'
    SET jit TO 'off'
    AS $$
BEGIN
    -- a renamed job is the newest of its new name, a job moved to
    -- another queue the newest of its name there.
    IF EXISTS (
        SELECT FROM old_rows AS o
        INNER JOIN new_rows AS n ON o.id = n.id
        WHERE o.name <> n.name OR o.queue <> n.queue
    ) THEN
        INSERT INTO jobs.name_latest (name, owner, queue, job_id)
        SELECT n.name, n.owner, n.queue, max(n.id)
        FROM old_rows AS o
        INNER JOIN new_rows AS n ON o.id = n.id
        WHERE o.name <> n.name OR o.queue <> n.queue
        GROUP BY n.name, n.owner, n.queue;
    END IF;
    -- The jobs that just finished, and the attempts that failed (or lost
    -- their worker) and will run again: status scheduled, no duration.
    INSERT INTO jobs.job_history (
        day, minute, queue, owner, name, status, bucket, jobs, duration_sum,
        queue_time_sum
    )
    SELECT
        (f.at AT TIME ZONE 'UTC')::date,
        date_trunc('minute', f.at),
        n.queue,
        n.owner,
        n.name,
        f.status,
        CASE WHEN f.finished
            THEN jobs_internal.duration_bucket(extract(EPOCH FROM n.ended_at - n.started_at))
        END,
        count(*),
        sum(extract(EPOCH FROM n.ended_at - n.started_at)),
        sum(extract(EPOCH FROM n.started_at - n.run_at)) FILTER (WHERE f.finished)
    FROM old_rows AS o
    INNER JOIN new_rows AS n ON o.id = n.id
    CROSS JOIN LATERAL (
        SELECT
            n.status IN ('completed', 'failed', 'cancelled') AS finished,
            CASE WHEN n.status IN ('completed', 'failed', 'cancelled')
                THEN n.ended_at ELSE now()
            END AS at,
            CASE WHEN n.status IN ('completed', 'failed', 'cancelled')
                THEN n.status ELSE 'scheduled'
            END AS status
    ) AS f
    WHERE
        (
            n.status IN ('completed', 'failed', 'cancelled')
            AND o.status NOT IN ('completed', 'failed', 'cancelled')
        )
        OR (o.status = 'running' AND n.status IN ('queued', 'scheduled'))
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__initial_status(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__initial_status() RETURNS trigger
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


--
-- Name: tg_job__lineage_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__lineage_delete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    -- a retry of a deleted job points to the nearest job of its
    -- chain that is left (retry_of), and when the root went, the oldest job
    -- left becomes the root of the others (root_job_id): no retry names a
    -- job that is gone. (The jobs left are finished: lineage.sql refuses to
    -- delete a job while a descendant still has to run.)
    IF EXISTS (
        SELECT FROM old_rows AS o
        WHERE EXISTS (SELECT FROM jobs.job AS r WHERE r.retry_of = o.id)
    ) OR EXISTS (
        SELECT FROM old_rows AS o
        WHERE EXISTS (SELECT FROM jobs.job AS r WHERE r.root_job_id = o.id)
    ) THEN
        WITH RECURSIVE ancestor AS (
            SELECT o.id, o.retry_of AS target FROM old_rows AS o
            UNION ALL
            SELECT a.id, o.retry_of AS target
            FROM ancestor AS a
            INNER JOIN old_rows AS o ON a.target = o.id
        ),

        nearest AS (
            SELECT a.id, a.target
            FROM ancestor AS a
            WHERE
                a.target IS NULL
                OR NOT EXISTS (SELECT FROM old_rows AS o WHERE o.id = a.target)
        ),

        new_root AS (
            SELECT r.root_job_id AS old_root, min(r.id) AS root
            FROM old_rows AS o
            INNER JOIN jobs.job AS r ON o.id = r.root_job_id
            GROUP BY r.root_job_id
        ),

        changed AS (
            SELECT r.id, TRUE AS repoint, n.target, NULL::bigint AS root, FALSE AS reroot
            FROM nearest AS n
            INNER JOIN jobs.job AS r ON n.id = r.retry_of
            UNION ALL
            SELECT r.id, FALSE AS repoint, NULL AS target, nr.root, TRUE AS reroot
            FROM new_root AS nr
            INNER JOIN jobs.job AS r ON nr.old_root = r.root_job_id
        ),

        merged AS (
            SELECT
                c.id,
                bool_or(c.repoint) AS repoint,
                max(c.target) AS target,
                bool_or(c.reroot) AS reroot,
                max(c.root) AS root
            FROM changed AS c
            GROUP BY c.id
        )

        UPDATE jobs.job AS r
        SET
            retry_of = CASE WHEN m.repoint THEN m.target ELSE r.retry_of END,
            root_job_id = CASE
                WHEN NOT m.reroot THEN r.root_job_id
                WHEN m.root = r.id THEN NULL
                ELSE m.root
            END
        FROM merged AS m
        WHERE r.id = m.id;
    END IF;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__locks_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__locks_delete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
    AS $$
BEGIN
    DELETE FROM jobs.job_lock AS h
    USING old_rows AS o
    WHERE h.job_id = o.id;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__locks_update(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__locks_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'off'
    SET jit TO 'off'
    AS $$
BEGIN
    -- released by any way out of running.
    IF EXISTS (SELECT FROM jobs.job_lock) THEN
        DELETE FROM jobs.job_lock AS h
        USING old_rows AS o, new_rows AS n
        WHERE
            h.job_id = n.id
            AND o.id = n.id
            AND o.status IN ('running', 'cancelling')
            AND n.status NOT IN ('running', 'cancelling');
    END IF;
    RETURN NULL;
END;
$$;


--
-- Name: tg_job__notify_insert(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__notify_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
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


--
-- Name: tg_job__notify_update(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__notify_update() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET enable_nestloop TO 'off'
    SET jit TO 'off'
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


--
-- Name: tg_job__queues_insert(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__queues_insert() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    SET jit TO 'off'
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


--
-- Name: tg_job__set_owner(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job__set_owner() RETURNS trigger
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


--
-- Name: tg_job_file__check_job(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job_file__check_job() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO ''
    AS $$
BEGIN
    PERFORM jobs_internal.get_job_in_scope(NEW.job_id);
    PERFORM FROM jobs.job AS j WHERE j.id = NEW.job_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % does not exist', NEW.job_id USING ERRCODE = 'PT404';
    END IF;
    RETURN NEW;
END;
$$;


--
-- Name: tg_job_lock__wake(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_job_lock__wake() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF jobs_internal.notify_enabled() AND EXISTS (SELECT FROM released) THEN
        PERFORM pg_notify('jobs_queued', '');
    END IF;
    RETURN NULL;
END;
$$;


--
-- Name: tg_queue__guard_delete(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_queue__guard_delete() RETURNS trigger
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


--
-- Name: tg_queues__write(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_queues__write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO jobs.queue (
            name, paused, max_attempts, backoff_seconds, max_backoff_seconds,
            keep_completed, keep_failed, max_payload_bytes
        ) VALUES (
            NEW.name, NEW.paused, NEW.max_attempts, NEW.backoff_seconds,
            NEW.max_backoff_seconds, NEW.keep_completed, NEW.keep_failed,
            NEW.max_payload_bytes
        );
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.name IS DISTINCT FROM OLD.name THEN
            RAISE EXCEPTION 'a queue cannot be renamed' USING ERRCODE = '22023';
        END IF;
        UPDATE jobs.queue AS q
        SET
            paused = NEW.paused,
            max_attempts = NEW.max_attempts,
            backoff_seconds = NEW.backoff_seconds,
            max_backoff_seconds = NEW.max_backoff_seconds,
            keep_completed = NEW.keep_completed,
            keep_failed = NEW.keep_failed,
            max_payload_bytes = NEW.max_payload_bytes
        WHERE q.name = OLD.name;
        -- A resumed queue wakes the workers listening on jobs_queued.
        IF OLD.paused AND NOT NEW.paused AND jobs_internal.notify_enabled() THEN
            PERFORM pg_notify('jobs_queued', NEW.name);
        END IF;
        RETURN NEW;
    END IF;
    -- A queue that still has jobs is refused by jobs.queue's own trigger.
    DELETE FROM jobs.queue AS q WHERE q.name = OLD.name;
    RETURN OLD;
END;
$$;


--
-- Name: tg_read_only_view(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_read_only_view() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '% is read-only', TG_TABLE_NAME USING ERRCODE = 'PT405';
END;
$$;


--
-- Name: tg_refuse_unfiltered_write(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_refuse_unfiltered_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_method text := current_setting('request.method', TRUE);
    v_path text := coalesce(current_setting('request.path', TRUE), '');
    v_statement text := split_part(current_query(), ' RETURNING ', 1);
    v_example text;
BEGIN
    IF v_statement !~ '^WITH pgrst_source AS \((UPDATE|DELETE FROM) "'
        OR v_statement ~ '\sWHERE\s' THEN
        RETURN NULL;
    END IF;
    v_example := CASE v_path
        WHEN '/job_locks' THEN 'name=eq.devices'
        WHEN '/queues' THEN 'name=eq.default'
        WHEN '/schedules' THEN 'name=eq.nightly'
        WHEN '/worker_logins' THEN 'role_name=eq.images_worker'
        ELSE 'id=eq.42'
    END;
    RAISE EXCEPTION '% % needs a filter, e.g. % %?%',
        v_method, jobs_internal.escape_for_message(v_path),
        v_method, jobs_internal.escape_for_message(v_path), v_example
        USING ERRCODE = 'PT400',
            DETAIL = 'Without a filter in the query string it would change every row in reach; a body does not filter.',
            HINT = 'To change many rows, name them: ?id=in.(1,2,3), ?status=eq.failed.';
END;
$$;


--
-- Name: FUNCTION tg_refuse_unfiltered_write(); Type: COMMENT; Schema: jobs_internal; Owner: -
--

COMMENT ON FUNCTION jobs_internal.tg_refuse_unfiltered_write() IS 'Refuses (400) a PATCH or DELETE sent through PostgREST without a filter, before any row changes: such a statement, of PostgREST''s fixed shape, has no WHERE clause before RETURNING (current_query()). PostgREST 12.0.2 has no max-affected and pg-safeupdate is not packaged for Debian 12. SQL sessions are not checked.';


--
-- Name: tg_schedule__check(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.tg_schedule__check() RETURNS trigger
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


--
-- Name: transition_allowed(jobs.job_status, jobs.job_status); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.transition_allowed(from_status jobs.job_status, to_status jobs.job_status) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT
         CASE from_status
             WHEN 'scheduled'::jobs.job_status THEN (to_status = ANY (ARRAY['queued'::jobs.job_status, 'running'::jobs.job_status, 'cancelled'::jobs.job_status]))
             WHEN 'queued'::jobs.job_status THEN (to_status = ANY (ARRAY['scheduled'::jobs.job_status, 'running'::jobs.job_status, 'cancelled'::jobs.job_status]))
             WHEN 'running'::jobs.job_status THEN (to_status = ANY (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'scheduled'::jobs.job_status, 'queued'::jobs.job_status, 'cancelling'::jobs.job_status]))
             WHEN 'cancelling'::jobs.job_status THEN (to_status = 'cancelled'::jobs.job_status)
             ELSE false
         END AS "case";
END;


--
-- Name: worker_queues(); Type: FUNCTION; Schema: jobs_internal; Owner: -
--

CREATE FUNCTION jobs_internal.worker_queues() RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_claim jsonb;
BEGIN
    IF NOT pg_has_role(session_user, 'authenticator', 'MEMBER') THEN
        RETURN jobs_internal.login_queues();
    END IF;
    v_claim := jobs_internal.jwt_claims() -> 'queues';
    IF v_claim IS NULL OR jsonb_typeof(v_claim) <> 'array' THEN
        RETURN '{}'::text[];
    END IF;
    RETURN ARRAY(SELECT jsonb_array_elements_text(v_claim));
END;
$$;


--
-- Name: daily_job_stats; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.daily_job_stats WITH (security_invoker='true') AS
 WITH history AS MATERIALIZED (
         SELECT r.day,
            r.queue,
            r.name,
            r.status,
            r.bucket,
            r.jobs,
            r.queue_time_sum
           FROM jobs_internal.history_rows() r(day, queue, name, status, bucket, jobs, duration_sum, queue_time_sum)
        ), buckets AS (
         SELECT h.day,
            h.queue,
            h.name,
            h.bucket,
            (COALESCE(sum(h.jobs) FILTER (WHERE (h.status = 'completed'::jobs.job_status)), (0)::numeric))::bigint AS completed_jobs
           FROM history h
          GROUP BY h.day, h.queue, h.name, h.bucket
        ), outcomes AS (
         SELECT h.day,
            h.queue,
            h.name,
            COALESCE(sum(h.jobs) FILTER (WHERE (h.status = ANY (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status]))), (0)::numeric) AS finished,
            sum(h.jobs) FILTER (WHERE (h.status = 'completed'::jobs.job_status)) AS completed,
            sum(h.jobs) FILTER (WHERE (h.status = 'failed'::jobs.job_status)) AS failed,
            sum(h.jobs) FILTER (WHERE (h.status = 'cancelled'::jobs.job_status)) AS cancelled,
            sum(h.jobs) FILTER (WHERE (h.status = 'scheduled'::jobs.job_status)) AS retried,
            (sum(h.queue_time_sum) / (NULLIF(sum(h.jobs) FILTER (WHERE (h.queue_time_sum IS NOT NULL)), (0)::numeric))::double precision) AS mean_queue_time
           FROM history h
          GROUP BY h.day, h.queue, h.name
        ), percentiles AS (
         SELECT b.day,
            b.queue,
            b.name,
            jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.completed_jobs), (0.5)::double precision) AS p50_duration,
            jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.completed_jobs), (0.95)::double precision) AS p95_duration
           FROM buckets b
          GROUP BY b.day, b.queue, b.name
        )
 SELECT o.day,
    o.queue,
    o.name,
    (o.finished)::bigint AS finished,
    p.p50_duration,
    p.p95_duration,
    (COALESCE(o.completed, (0)::numeric))::bigint AS completed,
    (COALESCE(o.failed, (0)::numeric))::bigint AS failed,
    (COALESCE(o.cancelled, (0)::numeric))::bigint AS cancelled,
    round((COALESCE(o.completed, (0)::numeric) / NULLIF((COALESCE(o.completed, (0)::numeric) + COALESCE(o.failed, (0)::numeric)), (0)::numeric)), 4) AS success_rate,
    round((o.mean_queue_time)::numeric, 3) AS mean_queue_time,
    (COALESCE(o.retried, (0)::numeric))::bigint AS retried
   FROM (outcomes o
     JOIN percentiles p ON (((o.day = p.day) AND (o.queue = p.queue) AND (o.name = p.name))));


--
-- Name: VIEW daily_job_stats; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.daily_job_stats IS 'Daily job statistics

Per day (UTC, of finishing), queue and job name: jobs finished, completed, failed and cancelled, attempts retried, success rate (completed over completed plus failed), p50 and p95 duration of completed jobs and mean queue time. Kept in a ledger as jobs finish, so it also covers jobs that retention has deleted. Example: GET /daily_job_stats?day=gte.2026-11-01&order=day.desc';


--
-- Name: COLUMN daily_job_stats.day; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.day IS 'Day the jobs finished (UTC).';


--
-- Name: COLUMN daily_job_stats.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.queue IS 'Queue.';


--
-- Name: COLUMN daily_job_stats.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.name IS 'Job name.';


--
-- Name: COLUMN daily_job_stats.finished; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.finished IS 'Jobs finished that day.';


--
-- Name: COLUMN daily_job_stats.p50_duration; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.p50_duration IS 'Median duration of completed jobs, seconds (from buckets).';


--
-- Name: COLUMN daily_job_stats.p95_duration; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.p95_duration IS '95th percentile duration of completed jobs, seconds (from buckets).';


--
-- Name: COLUMN daily_job_stats.completed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.completed IS 'Of which completed.';


--
-- Name: COLUMN daily_job_stats.failed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.failed IS 'Of which failed for good.';


--
-- Name: COLUMN daily_job_stats.cancelled; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.cancelled IS 'Of which cancelled.';


--
-- Name: COLUMN daily_job_stats.success_rate; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.success_rate IS 'completed / (completed + failed), 0 to 1; null without either.';


--
-- Name: COLUMN daily_job_stats.mean_queue_time; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.mean_queue_time IS 'Mean seconds between run_at and start, of jobs that started.';


--
-- Name: COLUMN daily_job_stats.retried; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.daily_job_stats.retried IS 'Attempts that failed (or lost their worker) and were scheduled to run again.';


--
-- Name: duration_percentiles; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.duration_percentiles WITH (security_invoker='true') AS
 WITH buckets AS (
         SELECT h.queue,
            h.name,
            h.bucket,
            (sum(h.jobs))::bigint AS jobs,
            sum(h.duration_sum) AS duration_sum
           FROM jobs_internal.history_rows() h(day, queue, name, status, bucket, jobs, duration_sum, queue_time_sum)
          WHERE (h.status = 'completed'::jobs.job_status)
          GROUP BY h.queue, h.name, h.bucket
        )
 SELECT b.queue,
    b.name,
    (sum(b.jobs))::bigint AS runs,
    round(((sum(b.duration_sum) / (sum(b.jobs))::double precision))::numeric, 3) AS mean_duration,
    jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), (0.5)::double precision) AS p50,
    jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), (0.95)::double precision) AS p95,
    jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), (0.99)::double precision) AS p99
   FROM buckets b
  GROUP BY b.queue, b.name;


--
-- Name: VIEW duration_percentiles; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.duration_percentiles IS 'Duration percentiles

Per queue and job name, over all completed runs on record: runs, mean, p50, p95 and p99 duration in seconds (percentiles from buckets).';


--
-- Name: COLUMN duration_percentiles.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.duration_percentiles.queue IS 'Queue.';


--
-- Name: COLUMN duration_percentiles.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.duration_percentiles.name IS 'Job name.';


--
-- Name: COLUMN duration_percentiles.runs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.duration_percentiles.runs IS 'Completed runs on record.';


--
-- Name: COLUMN duration_percentiles.mean_duration; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.duration_percentiles.mean_duration IS 'Mean duration, seconds.';


--
-- Name: COLUMN duration_percentiles.p50; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.duration_percentiles.p50 IS 'Median duration, seconds.';


--
-- Name: COLUMN duration_percentiles.p95; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.duration_percentiles.p95 IS '95th percentile duration, seconds.';


--
-- Name: COLUMN duration_percentiles.p99; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.duration_percentiles.p99 IS '99th percentile duration, seconds.';


--
-- Name: etl_jobs; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.etl_jobs WITH (security_invoker='true') AS
 SELECT j.id,
    j.name,
    j.started_at AS start_date,
    j.ended_at AS end_date,
    j.message,
    jobs_internal.etl_status(j.status) AS status,
    ((j.result ->> 'records_processed'::text))::integer AS records_processed,
    (j.meta ->> 'source'::text) AS source,
    (j.meta ->> 'destination'::text) AS destination
   FROM jobs.job j
  WHERE (j.type = 'etl'::text);


--
-- Name: VIEW etl_jobs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.etl_jobs IS 'ETL runs

The run log of ETL scripts. POST {name, start_date, status: in_progress, source, destination} at the start of a run; PATCH ?id=eq.N {status: success or error, records_processed, message} at its end (end_date is filled in when it is not given). last_success(name) answers the start of the newest successful run: the watermark for incremental loads.';


--
-- Name: COLUMN etl_jobs.id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.id IS 'Run id (the id of its job).';


--
-- Name: COLUMN etl_jobs.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.name IS 'Name of the ETL job; runs of one name form its history.';


--
-- Name: COLUMN etl_jobs.start_date; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.start_date IS 'When the run started (default: now).';


--
-- Name: COLUMN etl_jobs.end_date; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.end_date IS 'When the run ended; filled in when it ends without one.';


--
-- Name: COLUMN etl_jobs.message; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.message IS 'Optional message.';


--
-- Name: COLUMN etl_jobs.status; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.status IS 'in_progress, success or error.';


--
-- Name: COLUMN etl_jobs.records_processed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.records_processed IS 'Records the run processed.';


--
-- Name: COLUMN etl_jobs.source; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.source IS 'Source database of the run.';


--
-- Name: COLUMN etl_jobs.destination; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.etl_jobs.destination IS 'Destination database of the run.';


--
-- Name: job_stats; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.job_stats WITH (security_invoker='true') AS
 WITH totals AS (
         SELECT (COALESCE(sum(n.jobs), (0)::numeric))::bigint AS total_jobs,
            (COALESCE(sum(n.jobs) FILTER (WHERE (n.status = 'scheduled'::jobs.job_status)), (0)::numeric))::bigint AS scheduled,
            (COALESCE(sum(n.jobs) FILTER (WHERE (n.status = 'queued'::jobs.job_status)), (0)::numeric))::bigint AS queued,
            (COALESCE(sum(n.jobs) FILTER (WHERE (n.status = 'running'::jobs.job_status)), (0)::numeric))::bigint AS running,
            (COALESCE(sum(n.jobs) FILTER (WHERE (n.status = 'completed'::jobs.job_status)), (0)::numeric))::bigint AS completed,
            (COALESCE(sum(n.jobs) FILTER (WHERE (n.status = 'failed'::jobs.job_status)), (0)::numeric))::bigint AS failed,
            (COALESCE(sum(n.jobs) FILTER (WHERE (n.status = 'cancelling'::jobs.job_status)), (0)::numeric))::bigint AS cancelling,
            (COALESCE(sum(n.jobs) FILTER (WHERE (n.status = 'cancelled'::jobs.job_status)), (0)::numeric))::bigint AS cancelled
           FROM jobs_internal.queue_counts() n(queue, status, jobs)
        ), seen AS (
         SELECT count(*) FILTER (WHERE jobs_internal.worker_is_active(w.last_seen, w.stopped_at)) AS active_workers,
            count(*) AS total_workers
           FROM jobs.worker w
        )
 SELECT t.total_jobs,
    t.scheduled,
    t.queued,
    t.running,
    t.completed,
    t.failed,
    t.cancelling,
    t.cancelled,
    s.active_workers,
    s.total_workers
   FROM (totals t
     CROSS JOIN seen s);


--
-- Name: VIEW job_stats; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.job_stats IS 'Job statistics

One row: jobs in total and per status, and workers active and known. Read from the counts ledger: cheap however many jobs there are.';


--
-- Name: COLUMN job_stats.total_jobs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.total_jobs IS 'Jobs in the table.';


--
-- Name: COLUMN job_stats.scheduled; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.scheduled IS 'Jobs waiting for their time or for another job.';


--
-- Name: COLUMN job_stats.queued; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.queued IS 'Jobs due, waiting for a worker (paused queues included).';


--
-- Name: COLUMN job_stats.running; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.running IS 'Jobs a worker holds.';


--
-- Name: COLUMN job_stats.completed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.completed IS 'Jobs completed.';


--
-- Name: COLUMN job_stats.failed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.failed IS 'Jobs failed for good.';


--
-- Name: COLUMN job_stats.cancelling; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.cancelling IS 'Jobs asked to cancel while running.';


--
-- Name: COLUMN job_stats.cancelled; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.cancelled IS 'Jobs cancelled.';


--
-- Name: COLUMN job_stats.active_workers; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.active_workers IS 'Workers seen in the last 5 minutes and not stopped.';


--
-- Name: COLUMN job_stats.total_workers; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.job_stats.total_workers IS 'Workers ever registered.';


--
-- Name: latest_runs; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.latest_runs WITH (security_invoker='true') AS
 SELECT j.name,
    j.id AS job_id,
    j.queue,
    j.type,
    j.status,
    j.created_at,
    j.started_at,
    j.ended_at,
    round(EXTRACT(epoch FROM (now() - COALESCE(j.started_at, j.created_at))), 3) AS age
   FROM (jobs_internal.latest_job_ids() l(name, job_id)
     JOIN jobs.job j ON (((l.job_id = j.id) AND (l.name = j.name))));


--
-- Name: VIEW latest_runs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.latest_runs IS 'Latest run per job name

The newest job of each name, with its status and age in seconds (since it started, or was submitted if it has not). Example: GET /latest_runs?status=eq.failed';


--
-- Name: COLUMN latest_runs.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.name IS 'Job name.';


--
-- Name: COLUMN latest_runs.job_id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.job_id IS 'Its newest job.';


--
-- Name: COLUMN latest_runs.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.queue IS 'Queue of that job.';


--
-- Name: COLUMN latest_runs.type; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.type IS 'Type of that job.';


--
-- Name: COLUMN latest_runs.status; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.status IS 'Status of that job.';


--
-- Name: COLUMN latest_runs.created_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.created_at IS 'When it was submitted.';


--
-- Name: COLUMN latest_runs.started_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.started_at IS 'When it started.';


--
-- Name: COLUMN latest_runs.ended_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.ended_at IS 'When it ended.';


--
-- Name: COLUMN latest_runs.age; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.latest_runs.age IS 'Seconds since it started (or was submitted).';


--
-- Name: long_running_jobs; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.long_running_jobs WITH (security_invoker='true') AS
 SELECT j.id,
    j.queue,
    j.name,
    j.worker,
    j.started_at,
    d.p95 AS usual_p95,
    d.runs AS past_runs,
    round(EXTRACT(epoch FROM (now() - j.started_at)), 3) AS running_for
   FROM (jobs.job j
     JOIN api.duration_percentiles d ON (((j.queue = d.queue) AND (j.name = d.name))))
  WHERE ((j.status = ANY (ARRAY['running'::jobs.job_status, 'cancelling'::jobs.job_status])) AND ((EXTRACT(epoch FROM (now() - j.started_at)))::double precision > d.p95));


--
-- Name: VIEW long_running_jobs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.long_running_jobs IS 'Jobs running longer than usual

Running jobs whose time so far exceeds the p95 duration of the completed runs of the same queue and name.';


--
-- Name: COLUMN long_running_jobs.id; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.id IS 'Job id.';


--
-- Name: COLUMN long_running_jobs.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.queue IS 'Queue.';


--
-- Name: COLUMN long_running_jobs.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.name IS 'Job name.';


--
-- Name: COLUMN long_running_jobs.worker; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.worker IS 'Worker running it.';


--
-- Name: COLUMN long_running_jobs.started_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.started_at IS 'When this attempt started.';


--
-- Name: COLUMN long_running_jobs.usual_p95; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.usual_p95 IS 'p95 duration of past completed runs, seconds.';


--
-- Name: COLUMN long_running_jobs.past_runs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.past_runs IS 'Completed runs that p95 is taken from.';


--
-- Name: COLUMN long_running_jobs.running_for; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.long_running_jobs.running_for IS 'Seconds so far.';


--
-- Name: maintenance; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.maintenance (
    singleton boolean DEFAULT true NOT NULL,
    history_days integer DEFAULT 400 NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    result jsonb,
    runs bigint DEFAULT 0 NOT NULL,
    CONSTRAINT maintenance_history_days_in_range CHECK (((history_days >= 1) AND (history_days <= 36500))),
    CONSTRAINT maintenance_is_one_row CHECK (singleton)
);


--
-- Name: maintenance; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.maintenance WITH (security_invoker='true') AS
 SELECT m.started_at AS last_started_at,
    m.finished_at AS last_finished_at,
    m.result AS last_result,
    m.runs,
    m.history_days,
    jobs_internal.maintenance_mode() AS mode
   FROM jobs.maintenance m;


--
-- Name: VIEW maintenance; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.maintenance IS 'Maintenance

One row: who runs maintenance (run_maintenance) here, when it last ran and what it did. Admins may PATCH history_days.';


--
-- Name: COLUMN maintenance.last_started_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.maintenance.last_started_at IS 'When the last run started; null if it never ran.';


--
-- Name: COLUMN maintenance.last_finished_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.maintenance.last_finished_at IS 'When the last run ended.';


--
-- Name: COLUMN maintenance.last_result; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.maintenance.last_result IS 'What the last run did, as run_maintenance answered it.';


--
-- Name: COLUMN maintenance.runs; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.maintenance.runs IS 'Runs so far.';


--
-- Name: COLUMN maintenance.history_days; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.maintenance.history_days IS 'Days of run history (daily_job_stats, duration_percentiles) kept, 1 to 36500 (default 400).';


--
-- Name: COLUMN maintenance.mode; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.maintenance.mode IS 'pg_cron: pg_cron runs it every minute in this database; workers: jobsapi worker runs it at most once a minute across all workers, and jobsapi maintain from a shell or a system cron.';


--
-- Name: minute_job_stats; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.minute_job_stats WITH (security_invoker='true') AS
 WITH history AS MATERIALIZED (
         SELECT r.minute,
            r.queue,
            r.status,
            r.bucket,
            r.jobs,
            r.queue_time_sum
           FROM jobs_internal.minute_history_rows() r(minute, queue, status, bucket, jobs, duration_sum, queue_time_sum)
        ), percentiles AS (
         SELECT b.minute,
            b.queue,
            jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), (0.5)::double precision) AS p50_duration,
            jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), (0.95)::double precision) AS p95_duration
           FROM history b
          WHERE (b.status = 'completed'::jobs.job_status)
          GROUP BY b.minute, b.queue
        )
 SELECT h.minute,
    h.queue,
    (COALESCE(sum(h.jobs) FILTER (WHERE (h.status = ANY (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status]))), (0)::numeric))::bigint AS finished,
    (COALESCE(sum(h.jobs) FILTER (WHERE (h.status = 'completed'::jobs.job_status)), (0)::numeric))::bigint AS completed,
    (COALESCE(sum(h.jobs) FILTER (WHERE (h.status = 'failed'::jobs.job_status)), (0)::numeric))::bigint AS failed,
    (COALESCE(sum(h.jobs) FILTER (WHERE (h.status = 'cancelled'::jobs.job_status)), (0)::numeric))::bigint AS cancelled,
    (COALESCE(sum(h.jobs) FILTER (WHERE (h.status = 'scheduled'::jobs.job_status)), (0)::numeric))::bigint AS retried,
    min(p.p50_duration) AS p50_duration,
    min(p.p95_duration) AS p95_duration,
    round(((sum(h.queue_time_sum) / (NULLIF(sum(h.jobs) FILTER (WHERE (h.queue_time_sum IS NOT NULL)), (0)::numeric))::double precision))::numeric, 3) AS mean_queue_time
   FROM (history h
     LEFT JOIN percentiles p ON (((h.minute = p.minute) AND (h.queue = p.queue))))
  GROUP BY h.minute, h.queue;


--
-- Name: VIEW minute_job_stats; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.minute_job_stats IS 'Job statistics per minute

Per minute (UTC, of finishing) and queue, over the last two hours: jobs finished, completed, failed and cancelled, attempts retried, p50 and p95 duration of completed jobs and mean queue time. Read from the run history ledger, so it costs the same however many jobs there are; minutes without finished jobs have no row. The dashboard''s charts read it. Example: GET /minute_job_stats?minute=gte.2026-12-06T10:00:00Z&order=minute';


--
-- Name: COLUMN minute_job_stats.minute; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.minute IS 'Minute the jobs finished (UTC).';


--
-- Name: COLUMN minute_job_stats.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.queue IS 'Queue.';


--
-- Name: COLUMN minute_job_stats.finished; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.finished IS 'Jobs finished in that minute.';


--
-- Name: COLUMN minute_job_stats.completed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.completed IS 'Of which completed.';


--
-- Name: COLUMN minute_job_stats.failed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.failed IS 'Of which failed for good.';


--
-- Name: COLUMN minute_job_stats.cancelled; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.cancelled IS 'Of which cancelled.';


--
-- Name: COLUMN minute_job_stats.retried; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.retried IS 'Attempts that failed (or lost their worker) in that minute and were scheduled to run again.';


--
-- Name: COLUMN minute_job_stats.p50_duration; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.p50_duration IS 'Median duration of the jobs completed, seconds (from buckets).';


--
-- Name: COLUMN minute_job_stats.p95_duration; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.p95_duration IS '95th percentile duration of the jobs completed, seconds (from buckets).';


--
-- Name: COLUMN minute_job_stats.mean_queue_time; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.minute_job_stats.mean_queue_time IS 'Mean seconds between run_at and start, of the jobs finished.';


--
-- Name: queue; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.queue (
    name text NOT NULL,
    paused boolean DEFAULT false NOT NULL,
    backoff_seconds integer DEFAULT 10 NOT NULL,
    max_backoff_seconds integer DEFAULT 3600 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    max_attempts integer DEFAULT 3 NOT NULL,
    keep_completed integer DEFAULT 1000 NOT NULL,
    keep_failed integer DEFAULT 5000 NOT NULL,
    max_payload_bytes integer DEFAULT 1048576 NOT NULL,
    CONSTRAINT queue_backoff_is_positive CHECK ((backoff_seconds > 0)),
    CONSTRAINT queue_keep_completed_not_negative CHECK ((keep_completed >= 0)),
    CONSTRAINT queue_keep_failed_not_negative CHECK ((keep_failed >= 0)),
    CONSTRAINT queue_max_attempts_is_positive CHECK ((max_attempts >= 1)),
    CONSTRAINT queue_max_backoff_at_least_backoff CHECK ((max_backoff_seconds >= backoff_seconds)),
    CONSTRAINT queue_max_payload_bytes_in_range CHECK (((max_payload_bytes >= 65536) AND (max_payload_bytes <= 104857600))),
    CONSTRAINT queue_name_is_short CHECK ((length(name) <= 200)),
    CONSTRAINT queue_name_not_empty CHECK ((name <> ''::text))
);


--
-- Name: queues; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.queues WITH (security_invoker='true') AS
 WITH counted AS (
         SELECT n.queue,
            sum(n.jobs) FILTER (WHERE (n.status = 'scheduled'::jobs.job_status)) AS scheduled,
            sum(n.jobs) FILTER (WHERE (n.status = 'queued'::jobs.job_status)) AS queued,
            sum(n.jobs) FILTER (WHERE (n.status = 'running'::jobs.job_status)) AS running,
            sum(n.jobs) FILTER (WHERE (n.status = 'completed'::jobs.job_status)) AS completed,
            sum(n.jobs) FILTER (WHERE (n.status = 'failed'::jobs.job_status)) AS failed,
            sum(n.jobs) FILTER (WHERE (n.status = 'cancelling'::jobs.job_status)) AS cancelling,
            sum(n.jobs) FILTER (WHERE (n.status = 'cancelled'::jobs.job_status)) AS cancelled
           FROM jobs_internal.queue_counts() n(queue, status, jobs)
          GROUP BY n.queue
        )
 SELECT q.name,
    q.paused,
    q.max_attempts,
    q.backoff_seconds,
    q.max_backoff_seconds,
    q.keep_completed,
    q.keep_failed,
    q.max_payload_bytes,
    q.created_at,
    jsonb_build_object('scheduled', COALESCE(c.scheduled, (0)::numeric), 'queued',
        CASE
            WHEN q.paused THEN (0)::numeric
            ELSE COALESCE(c.queued, (0)::numeric)
        END, 'running', COALESCE(c.running, (0)::numeric), 'completed', COALESCE(c.completed, (0)::numeric), 'failed', COALESCE(c.failed, (0)::numeric), 'cancelling', COALESCE(c.cancelling, (0)::numeric), 'cancelled', COALESCE(c.cancelled, (0)::numeric), 'paused',
        CASE
            WHEN q.paused THEN COALESCE(c.queued, (0)::numeric)
            ELSE (0)::numeric
        END) AS counts
   FROM (jobs.queue q
     LEFT JOIN counted c ON ((q.name = c.queue)));


--
-- Name: VIEW queues; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.queues IS 'Queues

A queue exists once a job names it; POST creates one ahead of time with its settings; PATCH changes them; DELETE removes a queue without jobs. A paused queue hands out no jobs: its queued jobs count as paused until it resumes. A failed attempt is retried after backoff_seconds * 2^(attempts - 1), at most max_backoff_seconds. prune_jobs keeps the newest keep_completed completed and keep_failed failed jobs of each queue.';


--
-- Name: COLUMN queues.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.name IS 'Queue name.';


--
-- Name: COLUMN queues.paused; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.paused IS 'True stops claims from this queue until it is set back to false.';


--
-- Name: COLUMN queues.max_attempts; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.max_attempts IS 'Attempts allowed to jobs of this queue that do not set their own (default 3).';


--
-- Name: COLUMN queues.backoff_seconds; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.backoff_seconds IS 'Delay before the second attempt; doubles with each further attempt (default 10).';


--
-- Name: COLUMN queues.max_backoff_seconds; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.max_backoff_seconds IS 'Longest delay between attempts (default 3600).';


--
-- Name: COLUMN queues.keep_completed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.keep_completed IS 'Completed jobs prune_jobs keeps, newest first (default 1000).';


--
-- Name: COLUMN queues.keep_failed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.keep_failed IS 'Failed jobs prune_jobs keeps, newest first (default 5000).';


--
-- Name: COLUMN queues.max_payload_bytes; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.max_payload_bytes IS 'Largest payload, result or meta of a job of this queue, in bytes as stored (default 1048576, 1 MB; 65536 to 104857600). Larger: 413, nothing stored.';


--
-- Name: COLUMN queues.created_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.created_at IS 'When the queue appeared.';


--
-- Name: COLUMN queues.counts; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queues.counts IS 'Jobs per status: scheduled, queued, running, completed, failed, cancelling, cancelled, and paused (queued jobs of a paused queue).';


--
-- Name: queue_depth; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.queue_depth WITH (security_invoker='true') AS
 SELECT q.name AS queue,
    q.paused,
    d.oldest_run_at,
    ((((q.counts ->> 'queued'::text))::bigint + ((q.counts ->> 'paused'::text))::bigint) + d.due_scheduled) AS waiting,
    (((q.counts ->> 'scheduled'::text))::bigint - d.due_scheduled) AS scheduled,
    ((q.counts ->> 'running'::text))::bigint AS running,
    round(EXTRACT(epoch FROM (now() - d.oldest_run_at)), 3) AS latency
   FROM (api.queues q
     CROSS JOIN LATERAL jobs_internal.queue_depth(q.name) d(due_scheduled, oldest_run_at));


--
-- Name: VIEW queue_depth; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.queue_depth IS 'Queue depth and latency now

Per queue: jobs waiting for a worker (queued, paused, or scheduled and already due), scheduled and not yet due, running, and how long the oldest waiting job has been due (latency, seconds).';


--
-- Name: COLUMN queue_depth.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queue_depth.queue IS 'Queue.';


--
-- Name: COLUMN queue_depth.paused; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queue_depth.paused IS 'True when the queue hands out no jobs.';


--
-- Name: COLUMN queue_depth.oldest_run_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queue_depth.oldest_run_at IS 'run_at of the oldest waiting job.';


--
-- Name: COLUMN queue_depth.waiting; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queue_depth.waiting IS 'Jobs due and waiting for a worker (paused ones and due scheduled ones included).';


--
-- Name: COLUMN queue_depth.scheduled; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queue_depth.scheduled IS 'Jobs not due yet, or waiting for another job.';


--
-- Name: COLUMN queue_depth.running; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queue_depth.running IS 'Jobs running.';


--
-- Name: COLUMN queue_depth.latency; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.queue_depth.latency IS 'Seconds the oldest waiting job has been due.';


--
-- Name: schedules; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.schedules WITH (security_invoker='true') AS
 SELECT s.name,
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
   FROM jobs.schedule s;


--
-- Name: VIEW schedules; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.schedules IS 'Recurring schedules

Each fire time of a schedule''s cron expression enqueues exactly one job from its template (queue, job_name, payload, priority, meta, locks, max_attempts); the job carries schedule_name and fire_at, so GET /jobs?schedule_name=eq.NAME lists a schedule''s runs. Maintenance fires due schedules every minute. POST adds one (400 for an invalid cron expression or time zone, nothing stored), PATCH changes one (enabled = false pauses it), DELETE removes it; POST /rpc/run_schedule runs one now. Admins only.';


--
-- Name: COLUMN schedules.name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.name IS 'Unique name of the schedule.';


--
-- Name: COLUMN schedules.cron; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.cron IS 'Standard 5-field cron expression: minute hour day-of-month month day-of-week, with *, lists, ranges, steps, month and weekday names, and @hourly, @daily, @weekly, @monthly, @yearly. When both day fields are restricted, a day matching either fires.';


--
-- Name: COLUMN schedules.time_zone; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.time_zone IS 'IANA time zone the expression is read in (default UTC), e.g. Europe/Berlin: 0 9 * * * fires at 9:00 there, summer and winter.';


--
-- Name: COLUMN schedules.queue; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.queue IS 'Queue of the jobs it enqueues (default: default).';


--
-- Name: COLUMN schedules.job_name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.job_name IS 'Name of the jobs it enqueues.';


--
-- Name: COLUMN schedules.payload; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.payload IS 'Payload of the jobs it enqueues.';


--
-- Name: COLUMN schedules.priority; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.priority IS 'Priority of the jobs it enqueues, 1 to 4 (default 2).';


--
-- Name: COLUMN schedules.meta; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.meta IS 'Meta of the jobs it enqueues.';


--
-- Name: COLUMN schedules.locks; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.locks IS 'Lock names of the jobs it enqueues (e.g. one run at a time: the schedule''s name).';


--
-- Name: COLUMN schedules.max_attempts; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.max_attempts IS 'max_attempts of the jobs it enqueues; null: the queue''s.';


--
-- Name: COLUMN schedules.enabled; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.enabled IS 'False pauses the schedule; enabled again, it fires from then on (the fire times in between are not enqueued).';


--
-- Name: COLUMN schedules.on_missed; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.on_missed IS 'Fire times that passed while maintenance did not run (reached more than 5 minutes late): run_once (default) enqueues one job for them all, skip none.';


--
-- Name: COLUMN schedules.last_fire_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.last_fire_at IS 'The last fire time it reached.';


--
-- Name: COLUMN schedules.next_fire_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.next_fire_at IS 'Its next fire time; null while disabled.';


--
-- Name: COLUMN schedules.last_error; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.last_error IS 'Why its last job could not be enqueued, if it could not; null after a success.';


--
-- Name: COLUMN schedules.owner; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.owner IS 'Who owns the jobs it enqueues (default: who added it).';


--
-- Name: COLUMN schedules.created_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.schedules.created_at IS 'When it was added.';


--
-- Name: worker_login; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.worker_login (
    role_name text NOT NULL,
    queues text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT worker_login_queues_are_names CHECK (((cardinality(queues) > 0) AND (array_position(queues, NULL::text) IS NULL) AND (NOT (''::text = ANY (queues))))),
    CONSTRAINT worker_login_role_name_not_empty CHECK ((role_name <> ''::text))
);


--
-- Name: worker_logins; Type: VIEW; Schema: api; Owner: -
--

CREATE VIEW api.worker_logins WITH (security_invoker='true') AS
 SELECT w.role_name,
    w.queues,
    w.created_at
   FROM jobs.worker_login w;


--
-- Name: VIEW worker_logins; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON VIEW api.worker_logins IS 'Worker logins

The queue scope of workers that connect to PostgreSQL directly (to LISTEN) rather than through PostgREST: a login role that is a member of jobs_worker may claim, see and report on the jobs of the queues its row names, and nothing else, as a worker token''s queues claim allows over HTTP. Without a row it reaches no queue. jobsapi worker-login creates the role and its row. Admins only.';


--
-- Name: COLUMN worker_logins.role_name; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.worker_logins.role_name IS 'The login role (a member of jobs_worker).';


--
-- Name: COLUMN worker_logins.queues; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.worker_logins.queues IS 'The queues it may claim from ("*": every queue).';


--
-- Name: COLUMN worker_logins.created_at; Type: COMMENT; Schema: api; Owner: -
--

COMMENT ON COLUMN api.worker_logins.created_at IS 'When the row was added.';


--
-- Name: claim_floor; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.claim_floor (
    queue text NOT NULL,
    priority smallint NOT NULL,
    run_at timestamp with time zone NOT NULL,
    raised_at timestamp with time zone NOT NULL
);


--
-- Name: TABLE claim_floor; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON TABLE jobs.claim_floor IS 'Per queue and priority, a run_at that no queued job is earlier than (unless claim_floor_low says so), and when it was last raised.';


--
-- Name: claim_floor_low; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.claim_floor_low (
    queue text NOT NULL,
    priority smallint NOT NULL,
    run_at timestamp with time zone NOT NULL
);


--
-- Name: TABLE claim_floor_low; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON TABLE jobs.claim_floor_low IS 'The run_at of jobs queued below their claim_floor since it was last raised; folded into it at the next raise.';


--
-- Name: dashboard_file; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.dashboard_file (
    name text NOT NULL,
    media_type text NOT NULL,
    body bytea NOT NULL,
    sha256 text NOT NULL
);


--
-- Name: TABLE dashboard_file; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON TABLE jobs.dashboard_file IS 'The dashboard''s files as last deployed: name (relative to dashboard/), media type, content and its hash (the ETag).';


--
-- Name: deployed_file; Type: TABLE; Schema: jobs; Owner: -
--

CREATE TABLE jobs.deployed_file (
    path text NOT NULL,
    sha256 text NOT NULL,
    deployed_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: TABLE deployed_file; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON TABLE jobs.deployed_file IS 'The files of sql/ as last deployed (path, text hash), and <migrations>: the migration versions they were deployed over.';


--
-- Name: job_event_id_seq; Type: SEQUENCE; Schema: jobs; Owner: -
--

ALTER TABLE jobs.job_event ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME jobs.job_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: job_file_id_seq; Type: SEQUENCE; Schema: jobs; Owner: -
--

ALTER TABLE jobs.job_file ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME jobs.job_file_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: job_id_seq; Type: SEQUENCE; Schema: jobs; Owner: -
--

ALTER TABLE jobs.job ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME jobs.job_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version character varying NOT NULL
);


--
-- Name: jobs queue; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN queue SET DEFAULT 'default'::text;


--
-- Name: jobs type; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN type SET DEFAULT 'job'::text;


--
-- Name: jobs status; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN status SET DEFAULT 'queued'::jobs.job_status;


--
-- Name: jobs priority; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN priority SET DEFAULT 2;


--
-- Name: jobs payload; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN payload SET DEFAULT '{}'::jsonb;


--
-- Name: jobs meta; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN meta SET DEFAULT '{}'::jsonb;


--
-- Name: jobs run_at; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN run_at SET DEFAULT now();


--
-- Name: jobs created_at; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN created_at SET DEFAULT now();


--
-- Name: jobs expires_at; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN expires_at SET DEFAULT (now() + '30 days'::interval);


--
-- Name: jobs attempts; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN attempts SET DEFAULT 0;


--
-- Name: jobs progress; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN progress SET DEFAULT 0;


--
-- Name: jobs errors; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN errors SET DEFAULT '[]'::jsonb;


--
-- Name: jobs num_success; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN num_success SET DEFAULT 0;


--
-- Name: jobs num_error; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN num_error SET DEFAULT 0;


--
-- Name: jobs num_ignore; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN num_ignore SET DEFAULT 0;


--
-- Name: jobs owner; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN owner SET DEFAULT jobs_internal.current_actor();


--
-- Name: jobs locks; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN locks SET DEFAULT '{}'::text[];


--
-- Name: jobs finished_items; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN finished_items SET DEFAULT '[]'::jsonb;


--
-- Name: jobs waiting; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.jobs ALTER COLUMN waiting SET DEFAULT false;


--
-- Name: queues paused; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN paused SET DEFAULT false;


--
-- Name: queues max_attempts; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN max_attempts SET DEFAULT 3;


--
-- Name: queues backoff_seconds; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN backoff_seconds SET DEFAULT 10;


--
-- Name: queues max_backoff_seconds; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN max_backoff_seconds SET DEFAULT 3600;


--
-- Name: queues keep_completed; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN keep_completed SET DEFAULT 1000;


--
-- Name: queues keep_failed; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN keep_failed SET DEFAULT 5000;


--
-- Name: queues max_payload_bytes; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN max_payload_bytes SET DEFAULT 1048576;


--
-- Name: queues created_at; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.queues ALTER COLUMN created_at SET DEFAULT now();


--
-- Name: schedules time_zone; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN time_zone SET DEFAULT 'UTC'::text;


--
-- Name: schedules queue; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN queue SET DEFAULT 'default'::text;


--
-- Name: schedules payload; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN payload SET DEFAULT '{}'::jsonb;


--
-- Name: schedules priority; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN priority SET DEFAULT 2;


--
-- Name: schedules meta; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN meta SET DEFAULT '{}'::jsonb;


--
-- Name: schedules locks; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN locks SET DEFAULT '{}'::text[];


--
-- Name: schedules enabled; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN enabled SET DEFAULT true;


--
-- Name: schedules on_missed; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN on_missed SET DEFAULT 'run_once'::text;


--
-- Name: schedules owner; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN owner SET DEFAULT jobs_internal.current_actor();


--
-- Name: schedules created_at; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.schedules ALTER COLUMN created_at SET DEFAULT now();


--
-- Name: worker_logins created_at; Type: DEFAULT; Schema: api; Owner: -
--

ALTER TABLE ONLY api.worker_logins ALTER COLUMN created_at SET DEFAULT now();


--
-- Name: claim_floor claim_floor_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.claim_floor
    ADD CONSTRAINT claim_floor_pkey PRIMARY KEY (queue, priority);


--
-- Name: dashboard_file dashboard_file_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.dashboard_file
    ADD CONSTRAINT dashboard_file_pkey PRIMARY KEY (name);


--
-- Name: deployed_file deployed_file_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.deployed_file
    ADD CONSTRAINT deployed_file_pkey PRIMARY KEY (path);


--
-- Name: job_event job_event_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.job_event
    ADD CONSTRAINT job_event_pkey PRIMARY KEY (id);


--
-- Name: job_file job_file_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.job_file
    ADD CONSTRAINT job_file_pkey PRIMARY KEY (id);


--
-- Name: job_lock job_lock_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.job_lock
    ADD CONSTRAINT job_lock_pkey PRIMARY KEY (name);


--
-- Name: job job_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.job
    ADD CONSTRAINT job_pkey PRIMARY KEY (id);


--
-- Name: maintenance maintenance_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.maintenance
    ADD CONSTRAINT maintenance_pkey PRIMARY KEY (singleton);


--
-- Name: queue queue_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.queue
    ADD CONSTRAINT queue_pkey PRIMARY KEY (name);


--
-- Name: schedule schedule_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.schedule
    ADD CONSTRAINT schedule_pkey PRIMARY KEY (name);


--
-- Name: worker_login worker_login_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.worker_login
    ADD CONSTRAINT worker_login_pkey PRIMARY KEY (role_name);


--
-- Name: worker worker_pkey; Type: CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.worker
    ADD CONSTRAINT worker_pkey PRIMARY KEY (name);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: claim_floor_low_queue_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX claim_floor_low_queue_idx ON jobs.claim_floor_low USING btree (queue, priority, run_at);


--
-- Name: job_after_job_id_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_after_job_id_idx ON jobs.job USING btree (after_job_id) WHERE (after_job_id IS NOT NULL);


--
-- Name: job_claim_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_claim_idx ON jobs.job USING btree (queue, priority DESC, run_at, id) WHERE (status = 'queued'::jobs.job_status);


--
-- Name: job_created_at_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_created_at_idx ON jobs.job USING brin (created_at);


--
-- Name: job_etl_name_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_etl_name_idx ON jobs.job USING btree (name, ended_at) WHERE (type = 'etl'::text);


--
-- Name: job_event_job_id_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_event_job_id_idx ON jobs.job_event USING btree (job_id);


--
-- Name: job_expires_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_expires_idx ON jobs.job USING btree (expires_at) WHERE (status = ANY (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status]));


--
-- Name: job_file_job_id_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_file_job_id_idx ON jobs.job_file USING btree (job_id);


--
-- Name: job_finished_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_finished_idx ON jobs.job USING btree (queue, status, id) WHERE (status = ANY (ARRAY['completed'::jobs.job_status, 'failed'::jobs.job_status, 'cancelled'::jobs.job_status]));


--
-- Name: job_history_folded_key; Type: INDEX; Schema: jobs; Owner: -
--

CREATE UNIQUE INDEX job_history_folded_key ON jobs.job_history USING btree (day, minute, queue, owner, name, status, bucket) NULLS NOT DISTINCT WHERE folded;


--
-- Name: job_history_minute_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_history_minute_idx ON jobs.job_history USING btree (minute) WHERE (minute IS NOT NULL);


--
-- Name: job_lease_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_lease_idx ON jobs.job USING btree (lease_expires_at) WHERE (status = ANY (ARRAY['running'::jobs.job_status, 'cancelling'::jobs.job_status]));


--
-- Name: job_lock_job_id_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_lock_job_id_idx ON jobs.job_lock USING btree (job_id);


--
-- Name: job_name_completed_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_name_completed_idx ON jobs.job USING btree (name, started_at) WHERE (status = 'completed'::jobs.job_status);


--
-- Name: job_owner_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_owner_idx ON jobs.job USING btree (owner, id);


--
-- Name: job_retry_of_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_retry_of_idx ON jobs.job USING btree (retry_of) WHERE (retry_of IS NOT NULL);


--
-- Name: job_root_job_id_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_root_job_id_idx ON jobs.job USING btree (root_job_id) WHERE (root_job_id IS NOT NULL);


--
-- Name: job_schedule_fire_key; Type: INDEX; Schema: jobs; Owner: -
--

CREATE UNIQUE INDEX job_schedule_fire_key ON jobs.job USING btree (schedule_name, fire_at) WHERE ((schedule_name IS NOT NULL) AND (retry_of IS NULL));


--
-- Name: job_scheduled_queue_run_at_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_scheduled_queue_run_at_idx ON jobs.job USING btree (queue, run_at) WHERE ((status = 'scheduled'::jobs.job_status) AND (NOT waiting));


--
-- Name: job_scheduled_run_at_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_scheduled_run_at_idx ON jobs.job USING btree (run_at) WHERE ((status = 'scheduled'::jobs.job_status) AND (NOT waiting));


--
-- Name: job_waiting_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX job_waiting_idx ON jobs.job USING btree (after_job_id) WHERE waiting;


--
-- Name: name_latest_folded_key; Type: INDEX; Schema: jobs; Owner: -
--

CREATE UNIQUE INDEX name_latest_folded_key ON jobs.name_latest USING btree (name, owner, queue) NULLS NOT DISTINCT WHERE folded;


--
-- Name: name_latest_job_id_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX name_latest_job_id_idx ON jobs.name_latest USING btree (job_id);


--
-- Name: name_latest_key_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX name_latest_key_idx ON jobs.name_latest USING btree (name, queue, job_id);


--
-- Name: queue_count_folded_key; Type: INDEX; Schema: jobs; Owner: -
--

CREATE UNIQUE INDEX queue_count_folded_key ON jobs.queue_count USING btree (queue, owner, status) NULLS NOT DISTINCT WHERE folded;


--
-- Name: schedule_next_fire_at_idx; Type: INDEX; Schema: jobs; Owner: -
--

CREATE INDEX schedule_next_fire_at_idx ON jobs.schedule USING btree (next_fire_at) WHERE enabled;


--
-- Name: job_name_type_stats; Type: STATISTICS; Schema: jobs; Owner: -
--

CREATE STATISTICS jobs.job_name_type_stats (dependencies, mcv) ON name, type FROM jobs.job;


--
-- Name: daily_job_stats read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.daily_job_stats FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: duration_percentiles read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.duration_percentiles FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: job_stats read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.job_stats FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: latest_runs read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.latest_runs FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: long_running_jobs read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.long_running_jobs FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: minute_job_stats read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.minute_job_stats FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: queue_depth read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.queue_depth FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: workers read_only; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER read_only INSTEAD OF INSERT OR DELETE OR UPDATE ON api.workers FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();


--
-- Name: etl_jobs write_etl_job; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER write_etl_job INSTEAD OF INSERT OR DELETE OR UPDATE ON api.etl_jobs FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_etl_jobs__write();


--
-- Name: queues write_queue; Type: TRIGGER; Schema: api; Owner: -
--

CREATE TRIGGER write_queue INSTEAD OF INSERT OR DELETE OR UPDATE ON api.queues FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_queues__write();


--
-- Name: job _010_refuse_unfiltered_write; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _010_refuse_unfiltered_write BEFORE DELETE OR UPDATE ON jobs.job FOR EACH STATEMENT WHEN ((current_setting('request.method'::text, true) = ANY (ARRAY['PATCH'::text, 'DELETE'::text]))) EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();


--
-- Name: job_file _010_refuse_unfiltered_write; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _010_refuse_unfiltered_write BEFORE DELETE OR UPDATE ON jobs.job_file FOR EACH STATEMENT WHEN ((current_setting('request.method'::text, true) = ANY (ARRAY['PATCH'::text, 'DELETE'::text]))) EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();


--
-- Name: job_lock _010_refuse_unfiltered_write; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _010_refuse_unfiltered_write BEFORE DELETE OR UPDATE ON jobs.job_lock FOR EACH STATEMENT WHEN ((current_setting('request.method'::text, true) = ANY (ARRAY['PATCH'::text, 'DELETE'::text]))) EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();


--
-- Name: queue _010_refuse_unfiltered_write; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _010_refuse_unfiltered_write BEFORE DELETE OR UPDATE ON jobs.queue FOR EACH STATEMENT WHEN ((current_setting('request.method'::text, true) = ANY (ARRAY['PATCH'::text, 'DELETE'::text]))) EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();


--
-- Name: schedule _010_refuse_unfiltered_write; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _010_refuse_unfiltered_write BEFORE DELETE OR UPDATE ON jobs.schedule FOR EACH STATEMENT WHEN ((current_setting('request.method'::text, true) = ANY (ARRAY['PATCH'::text, 'DELETE'::text]))) EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();


--
-- Name: worker_login _010_refuse_unfiltered_write; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _010_refuse_unfiltered_write BEFORE DELETE OR UPDATE ON jobs.worker_login FOR EACH STATEMENT WHEN ((current_setting('request.method'::text, true) = ANY (ARRAY['PATCH'::text, 'DELETE'::text]))) EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();


--
-- Name: job _050_set_owner; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _050_set_owner BEFORE INSERT ON jobs.job FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_job__set_owner();


--
-- Name: job _080_check_meta; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _080_check_meta BEFORE INSERT OR UPDATE OF meta ON jobs.job FOR EACH ROW WHEN (((pg_column_size(new.meta) > 65536) OR jsonb_path_exists(new.meta, 'strict $.**{65}'::jsonpath))) EXECUTE FUNCTION jobs_internal.tg_job__check_limits();


--
-- Name: job _080_check_payload; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _080_check_payload BEFORE INSERT OR UPDATE OF payload, queue ON jobs.job FOR EACH ROW WHEN (((pg_column_size(new.payload) > 65536) OR jsonb_path_exists(new.payload, 'strict $.**{65}'::jsonpath))) EXECUTE FUNCTION jobs_internal.tg_job__check_limits();


--
-- Name: job _080_check_result; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _080_check_result BEFORE INSERT OR UPDATE OF result ON jobs.job FOR EACH ROW WHEN (((pg_column_size(new.result) > 65536) OR jsonb_path_exists(new.result, 'strict $.**{65}'::jsonpath))) EXECUTE FUNCTION jobs_internal.tg_job__check_limits();


--
-- Name: job _080_check_text; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _080_check_text BEFORE INSERT OR UPDATE OF message, error, stacktrace ON jobs.job FOR EACH ROW WHEN (((length(new.message) > 10000) OR (length(new.error) > 10000) OR (length(new.stacktrace) > 100000))) EXECUTE FUNCTION jobs_internal.tg_job__check_limits();


--
-- Name: job _090_check_priority; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _090_check_priority BEFORE INSERT OR UPDATE OF priority ON jobs.job FOR EACH ROW WHEN (((new.priority < 1) OR (new.priority > 4))) EXECUTE FUNCTION jobs_internal.tg_job__check_priority();


--
-- Name: job _090_check_times; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _090_check_times BEFORE INSERT OR UPDATE OF run_at, expires_at, created_at, started_at, ended_at, lease_expires_at ON jobs.job FOR EACH ROW WHEN (((NOT isfinite(new.run_at)) OR (NOT isfinite(new.expires_at)) OR (NOT isfinite(new.created_at)) OR (NOT isfinite(new.started_at)) OR (NOT isfinite(new.ended_at)) OR (NOT isfinite(new.lease_expires_at)))) EXECUTE FUNCTION jobs_internal.tg_job__check_times();


--
-- Name: schedule _100_check; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _100_check BEFORE INSERT OR UPDATE ON jobs.schedule FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_schedule__check();


--
-- Name: job_file _100_check_job; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _100_check_job BEFORE INSERT OR UPDATE OF job_id ON jobs.job_file FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_job_file__check_job();


--
-- Name: job _100_guard_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _100_guard_delete BEFORE DELETE ON jobs.job FOR EACH ROW WHEN ((NOT jobs_internal.is_finished(old.status))) EXECUTE FUNCTION jobs_internal.tg_job__guard_delete();


--
-- Name: queue _100_guard_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _100_guard_delete BEFORE DELETE ON jobs.queue FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_queue__guard_delete();


--
-- Name: job _100_guard_transition; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _100_guard_transition BEFORE UPDATE OF status, run_at ON jobs.job FOR EACH ROW WHEN (((old.status IS DISTINCT FROM new.status) OR ((new.status = 'queued'::jobs.job_status) AND (new.run_at > now())))) EXECUTE FUNCTION jobs_internal.tg_job__guard_transition();


--
-- Name: job _100_initial_status; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _100_initial_status BEFORE INSERT ON jobs.job FOR EACH ROW WHEN (((new.status <> 'queued'::jobs.job_status) OR (new.run_at > now()) OR (new.after_job_id IS NOT NULL))) EXECUTE FUNCTION jobs_internal.tg_job__initial_status();


--
-- Name: job _110_create_queue; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _110_create_queue BEFORE UPDATE OF queue ON jobs.job FOR EACH ROW WHEN ((old.queue IS DISTINCT FROM new.queue)) EXECUTE FUNCTION jobs_internal.tg_job__create_queue();


--
-- Name: job _110_guard_lineage; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _110_guard_lineage BEFORE DELETE ON jobs.job FOR EACH ROW WHEN (jobs_internal.is_finished(old.status)) EXECUTE FUNCTION jobs_internal.tg_job__guard_lineage();


--
-- Name: job _400_check_batch; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _400_check_batch AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT WHEN (((current_setting('request.method'::text, true) = 'POST'::text) AND (current_setting('request.path'::text, true) !~~ '/rpc/%'::text))) EXECUTE FUNCTION jobs_internal.tg_job__check_batch();


--
-- Name: job _510_queues_insert; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _510_queues_insert AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__queues_insert();


--
-- Name: job _520_events_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _520_events_delete AFTER DELETE ON jobs.job REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__events_delete();


--
-- Name: job _520_events_insert; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _520_events_insert AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__events_insert();


--
-- Name: job _520_events_update; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _520_events_update AFTER UPDATE ON jobs.job REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__events_update();


--
-- Name: job _530_counts_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _530_counts_delete AFTER DELETE ON jobs.job REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__counts_delete();


--
-- Name: job _530_counts_insert; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _530_counts_insert AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__counts_insert();


--
-- Name: job _530_counts_truncate; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _530_counts_truncate AFTER TRUNCATE ON jobs.job FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__count_truncate();


--
-- Name: job _530_counts_update; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _530_counts_update AFTER UPDATE ON jobs.job REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__counts_update();


--
-- Name: job _540_history_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _540_history_delete AFTER DELETE ON jobs.job REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__history_delete();


--
-- Name: job _540_history_insert; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _540_history_insert AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__history_insert();


--
-- Name: job _540_history_update; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _540_history_update AFTER UPDATE ON jobs.job REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__history_update();


--
-- Name: job _550_files_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _550_files_delete AFTER DELETE ON jobs.job REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__files_delete();


--
-- Name: job _560_locks_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _560_locks_delete AFTER DELETE ON jobs.job REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__locks_delete();


--
-- Name: job _560_locks_update; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _560_locks_update AFTER UPDATE ON jobs.job REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__locks_update();


--
-- Name: job _565_lineage_delete; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _565_lineage_delete AFTER DELETE ON jobs.job REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__lineage_delete();


--
-- Name: job _570_follow_ups_insert; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _570_follow_ups_insert AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__follow_ups_insert();


--
-- Name: job _570_follow_ups_update; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _570_follow_ups_update AFTER UPDATE ON jobs.job REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__follow_ups_update();


--
-- Name: job _580_claim_floor_insert; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _580_claim_floor_insert AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__claim_floor();


--
-- Name: job _580_claim_floor_update; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _580_claim_floor_update AFTER UPDATE ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__claim_floor();


--
-- Name: job _590_notify_insert; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _590_notify_insert AFTER INSERT ON jobs.job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__notify_insert();


--
-- Name: job_lock _590_notify_released; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _590_notify_released AFTER DELETE ON jobs.job_lock REFERENCING OLD TABLE AS released FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job_lock__wake();


--
-- Name: job _590_notify_update; Type: TRIGGER; Schema: jobs; Owner: -
--

CREATE TRIGGER _590_notify_update AFTER UPDATE ON jobs.job REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION jobs_internal.tg_job__notify_update();


--
-- Name: claim_floor_low claim_floor_low_queue_fkey; Type: FK CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.claim_floor_low
    ADD CONSTRAINT claim_floor_low_queue_fkey FOREIGN KEY (queue) REFERENCES jobs.queue(name) ON DELETE CASCADE;


--
-- Name: claim_floor claim_floor_queue_fkey; Type: FK CONSTRAINT; Schema: jobs; Owner: -
--

ALTER TABLE ONLY jobs.claim_floor
    ADD CONSTRAINT claim_floor_queue_fkey FOREIGN KEY (queue) REFERENCES jobs.queue(name) ON DELETE CASCADE;


--
-- Name: job; Type: ROW SECURITY; Schema: jobs; Owner: -
--

ALTER TABLE jobs.job ENABLE ROW LEVEL SECURITY;

--
-- Name: job job_admin; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_admin ON jobs.job TO jobs_admin USING (true) WITH CHECK (true);


--
-- Name: POLICY job_admin ON job; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_admin ON jobs.job IS 'Admins see and change every job.';


--
-- Name: job_event; Type: ROW SECURITY; Schema: jobs; Owner: -
--

ALTER TABLE jobs.job_event ENABLE ROW LEVEL SECURITY;

--
-- Name: job_event job_event_admin; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_event_admin ON jobs.job_event TO jobs_admin USING (true);


--
-- Name: POLICY job_event_admin ON job_event; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_event_admin ON jobs.job_event IS 'Admins see every event.';


--
-- Name: job_event job_event_of_visible_job; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_event_of_visible_job ON jobs.job_event FOR SELECT TO jobs_user, jobs_worker USING ((EXISTS ( SELECT
   FROM jobs.job j
  WHERE (j.id = job_event.job_id))));


--
-- Name: POLICY job_event_of_visible_job ON job_event; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_event_of_visible_job ON jobs.job_event IS 'Users and workers see the events of the jobs they see.';


--
-- Name: job_file; Type: ROW SECURITY; Schema: jobs; Owner: -
--

ALTER TABLE jobs.job_file ENABLE ROW LEVEL SECURITY;

--
-- Name: job_file job_file_admin; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_file_admin ON jobs.job_file TO jobs_admin USING (true) WITH CHECK (true);


--
-- Name: POLICY job_file_admin ON job_file; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_file_admin ON jobs.job_file IS 'Admins see and change every file.';


--
-- Name: job_file job_file_of_visible_job; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_file_of_visible_job ON jobs.job_file TO jobs_user, jobs_worker USING ((EXISTS ( SELECT
   FROM jobs.job j
  WHERE (j.id = job_file.job_id)))) WITH CHECK ((EXISTS ( SELECT
   FROM jobs.job j
  WHERE (j.id = job_file.job_id))));


--
-- Name: POLICY job_file_of_visible_job ON job_file; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_file_of_visible_job ON jobs.job_file IS 'Users and workers see, and attach, the files of the jobs they see.';


--
-- Name: job_lock; Type: ROW SECURITY; Schema: jobs; Owner: -
--

ALTER TABLE jobs.job_lock ENABLE ROW LEVEL SECURITY;

--
-- Name: job_lock job_lock_admin; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_lock_admin ON jobs.job_lock TO jobs_admin USING (true) WITH CHECK (true);


--
-- Name: POLICY job_lock_admin ON job_lock; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_lock_admin ON jobs.job_lock IS 'Admins see and clear every lock.';


--
-- Name: job_lock job_lock_own_or_visible_job; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_lock_own_or_visible_job ON jobs.job_lock FOR SELECT TO jobs_user, jobs_worker USING (((worker = ( SELECT jobs_internal.current_actor() AS current_actor)) OR (EXISTS ( SELECT
   FROM jobs.job j
  WHERE (j.id = job_lock.job_id)))));


--
-- Name: POLICY job_lock_own_or_visible_job ON job_lock; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_lock_own_or_visible_job ON jobs.job_lock IS 'Users and workers see the locks they took and those of the jobs they see.';


--
-- Name: job job_owner; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_owner ON jobs.job TO jobs_user USING ((owner = ( SELECT s.owner
   FROM jobs_internal.caller_scope() s(everything, owner, queues)))) WITH CHECK ((owner = ( SELECT s.owner
   FROM jobs_internal.caller_scope() s(everything, owner, queues))));


--
-- Name: POLICY job_owner ON job; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_owner ON jobs.job IS 'Users see and change only their own jobs (owner = the token''s sub).';


--
-- Name: job job_worker; Type: POLICY; Schema: jobs; Owner: -
--

CREATE POLICY job_worker ON jobs.job FOR SELECT TO jobs_worker USING (((( SELECT s.queues
   FROM jobs_internal.caller_scope() s(everything, owner, queues)) @> ARRAY[queue]) OR ( SELECT s.everything
   FROM jobs_internal.caller_scope() s(everything, owner, queues))));


--
-- Name: POLICY job_worker ON job; Type: COMMENT; Schema: jobs; Owner: -
--

COMMENT ON POLICY job_worker ON jobs.job IS 'Workers see the jobs of the queues in their token''s queues claim (or their login''s worker_logins row).';


--
-- Name: SCHEMA api; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA api TO anon;
GRANT USAGE ON SCHEMA api TO jobs_user;
GRANT USAGE ON SCHEMA api TO jobs_worker;
GRANT USAGE ON SCHEMA api TO jobs_admin;
GRANT USAGE ON SCHEMA api TO jobs_metrics;


--
-- Name: SCHEMA jobs; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA jobs TO jobs_user;
GRANT USAGE ON SCHEMA jobs TO jobs_worker;
GRANT USAGE ON SCHEMA jobs TO jobs_admin;


--
-- Name: SCHEMA jobs_internal; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA jobs_internal TO jobs_user;
GRANT USAGE ON SCHEMA jobs_internal TO jobs_worker;
GRANT USAGE ON SCHEMA jobs_internal TO jobs_admin;
GRANT USAGE ON SCHEMA jobs_internal TO anon;
GRANT USAGE ON SCHEMA jobs_internal TO jobs_metrics;


--
-- Name: TABLE job_lock; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT ON TABLE jobs.job_lock TO jobs_user;
GRANT SELECT ON TABLE jobs.job_lock TO jobs_worker;
GRANT SELECT,DELETE ON TABLE jobs.job_lock TO jobs_admin;


--
-- Name: TABLE job_locks; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.job_locks TO jobs_user;
GRANT SELECT ON TABLE api.job_locks TO jobs_worker;
GRANT SELECT,DELETE ON TABLE api.job_locks TO jobs_admin;


--
-- Name: FUNCTION acquire_lock(name text, job_id bigint); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.acquire_lock(name text, job_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.acquire_lock(name text, job_id bigint) TO jobs_user;
GRANT ALL ON FUNCTION api.acquire_lock(name text, job_id bigint) TO jobs_worker;
GRANT ALL ON FUNCTION api.acquire_lock(name text, job_id bigint) TO jobs_admin;


--
-- Name: TABLE job; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT,DELETE ON TABLE jobs.job TO jobs_user;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE jobs.job TO jobs_admin;
GRANT SELECT ON TABLE jobs.job TO jobs_worker;


--
-- Name: COLUMN job.queue; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(queue) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.name; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(name),UPDATE(name) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.type; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(type) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.status; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(status) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.priority; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(priority),UPDATE(priority) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.payload; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(payload),UPDATE(payload) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.meta; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(meta),UPDATE(meta) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.run_at; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(run_at),UPDATE(run_at) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.expires_at; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.max_attempts; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(max_attempts),UPDATE(max_attempts) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.message; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(message),UPDATE(message) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.owner; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(owner) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.after_job_id; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(after_job_id) ON TABLE jobs.job TO jobs_user;


--
-- Name: COLUMN job.locks; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(locks) ON TABLE jobs.job TO jobs_user;


--
-- Name: TABLE jobs; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT,DELETE ON TABLE api.jobs TO jobs_user;
GRANT SELECT ON TABLE api.jobs TO jobs_worker;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.jobs TO jobs_admin;


--
-- Name: COLUMN jobs.queue; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(queue) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.name; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(name),UPDATE(name) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.type; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(type) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.status; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(status) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.priority; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(priority),UPDATE(priority) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.payload; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(payload),UPDATE(payload) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.meta; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(meta),UPDATE(meta) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.run_at; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(run_at),UPDATE(run_at) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.expires_at; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(expires_at),UPDATE(expires_at) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.max_attempts; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(max_attempts),UPDATE(max_attempts) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.message; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(message),UPDATE(message) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.owner; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(owner) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.locks; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(locks) ON TABLE api.jobs TO jobs_user;


--
-- Name: COLUMN jobs.after_job_id; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(after_job_id) ON TABLE api.jobs TO jobs_user;


--
-- Name: FUNCTION cancel_job(job_id bigint); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.cancel_job(job_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.cancel_job(job_id bigint) TO jobs_user;
GRANT ALL ON FUNCTION api.cancel_job(job_id bigint) TO jobs_admin;


--
-- Name: FUNCTION claim_jobs(queues text[], worker text, max_jobs integer, lease_seconds integer, wait_seconds numeric); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.claim_jobs(queues text[], worker text, max_jobs integer, lease_seconds integer, wait_seconds numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION api.claim_jobs(queues text[], worker text, max_jobs integer, lease_seconds integer, wait_seconds numeric) TO jobs_worker;
GRANT ALL ON FUNCTION api.claim_jobs(queues text[], worker text, max_jobs integer, lease_seconds integer, wait_seconds numeric) TO jobs_admin;


--
-- Name: FUNCTION cleanup_jobs(max_age_hours integer); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.cleanup_jobs(max_age_hours integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.cleanup_jobs(max_age_hours integer) TO jobs_admin;


--
-- Name: FUNCTION complete_job(job_id bigint, worker text, result jsonb, num_success integer, num_error integer, num_ignore integer, message text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.complete_job(job_id bigint, worker text, result jsonb, num_success integer, num_error integer, num_ignore integer, message text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.complete_job(job_id bigint, worker text, result jsonb, num_success integer, num_error integer, num_ignore integer, message text) TO jobs_worker;
GRANT ALL ON FUNCTION api.complete_job(job_id bigint, worker text, result jsonb, num_success integer, num_error integer, num_ignore integer, message text) TO jobs_admin;


--
-- Name: FUNCTION complete_jobs(results jsonb, worker text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.complete_jobs(results jsonb, worker text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.complete_jobs(results jsonb, worker text) TO jobs_worker;
GRANT ALL ON FUNCTION api.complete_jobs(results jsonb, worker text) TO jobs_admin;


--
-- Name: FUNCTION dashboard_file(name text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.dashboard_file(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.dashboard_file(name text) TO anon;
GRANT ALL ON FUNCTION api.dashboard_file(name text) TO jobs_user;
GRANT ALL ON FUNCTION api.dashboard_file(name text) TO jobs_worker;
GRANT ALL ON FUNCTION api.dashboard_file(name text) TO jobs_admin;
GRANT ALL ON FUNCTION api.dashboard_file(name text) TO jobs_metrics;


--
-- Name: FUNCTION dashboard(); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.dashboard() FROM PUBLIC;
GRANT ALL ON FUNCTION api.dashboard() TO anon;
GRANT ALL ON FUNCTION api.dashboard() TO jobs_user;
GRANT ALL ON FUNCTION api.dashboard() TO jobs_worker;
GRANT ALL ON FUNCTION api.dashboard() TO jobs_admin;
GRANT ALL ON FUNCTION api.dashboard() TO jobs_metrics;


--
-- Name: FUNCTION duration(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.duration(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.duration(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.duration(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.duration(api.jobs) TO jobs_admin;


--
-- Name: FUNCTION estimated_remaining(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.estimated_remaining(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.estimated_remaining(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.estimated_remaining(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.estimated_remaining(api.jobs) TO jobs_admin;


--
-- Name: TABLE job_event; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT ON TABLE jobs.job_event TO jobs_user;
GRANT SELECT ON TABLE jobs.job_event TO jobs_worker;
GRANT SELECT ON TABLE jobs.job_event TO jobs_admin;


--
-- Name: TABLE job_events; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.job_events TO jobs_user;
GRANT SELECT ON TABLE api.job_events TO jobs_worker;
GRANT SELECT ON TABLE api.job_events TO jobs_admin;


--
-- Name: FUNCTION events(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.events(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.events(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.events(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.events(api.jobs) TO jobs_admin;


--
-- Name: FUNCTION fail_job(job_id bigint, worker text, error text, stacktrace text, retry boolean); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.fail_job(job_id bigint, worker text, error text, stacktrace text, retry boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.fail_job(job_id bigint, worker text, error text, stacktrace text, retry boolean) TO jobs_worker;
GRANT ALL ON FUNCTION api.fail_job(job_id bigint, worker text, error text, stacktrace text, retry boolean) TO jobs_admin;


--
-- Name: FUNCTION fail_jobs(failures jsonb, worker text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.fail_jobs(failures jsonb, worker text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.fail_jobs(failures jsonb, worker text) TO jobs_worker;
GRANT ALL ON FUNCTION api.fail_jobs(failures jsonb, worker text) TO jobs_admin;


--
-- Name: TABLE job_file; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT,INSERT ON TABLE jobs.job_file TO jobs_user;
GRANT SELECT,INSERT ON TABLE jobs.job_file TO jobs_worker;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE jobs.job_file TO jobs_admin;


--
-- Name: TABLE job_files; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT,INSERT ON TABLE api.job_files TO jobs_user;
GRANT SELECT,INSERT ON TABLE api.job_files TO jobs_worker;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.job_files TO jobs_admin;


--
-- Name: FUNCTION files(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.files(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.files(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.files(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.files(api.jobs) TO jobs_admin;


--
-- Name: FUNCTION heartbeat(job_id bigint, worker text, progress integer, message text, result jsonb, lease_seconds integer, finished_items jsonb); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.heartbeat(job_id bigint, worker text, progress integer, message text, result jsonb, lease_seconds integer, finished_items jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.heartbeat(job_id bigint, worker text, progress integer, message text, result jsonb, lease_seconds integer, finished_items jsonb) TO jobs_worker;
GRANT ALL ON FUNCTION api.heartbeat(job_id bigint, worker text, progress integer, message text, result jsonb, lease_seconds integer, finished_items jsonb) TO jobs_admin;


--
-- Name: FUNCTION heartbeat_jobs(beats jsonb, worker text, lease_seconds integer); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.heartbeat_jobs(beats jsonb, worker text, lease_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.heartbeat_jobs(beats jsonb, worker text, lease_seconds integer) TO jobs_worker;
GRANT ALL ON FUNCTION api.heartbeat_jobs(beats jsonb, worker text, lease_seconds integer) TO jobs_admin;


--
-- Name: FUNCTION last_success(name text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.last_success(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.last_success(name text) TO jobs_user;
GRANT ALL ON FUNCTION api.last_success(name text) TO jobs_worker;
GRANT ALL ON FUNCTION api.last_success(name text) TO jobs_admin;


--
-- Name: FUNCTION metrics(); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.metrics() FROM PUBLIC;
GRANT ALL ON FUNCTION api.metrics() TO jobs_worker;
GRANT ALL ON FUNCTION api.metrics() TO jobs_admin;
GRANT ALL ON FUNCTION api.metrics() TO jobs_metrics;


--
-- Name: FUNCTION next_due(queues text[]); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.next_due(queues text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION api.next_due(queues text[]) TO jobs_worker;
GRANT ALL ON FUNCTION api.next_due(queues text[]) TO jobs_admin;


--
-- Name: FUNCTION prune_jobs(batch_size integer); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.prune_jobs(batch_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.prune_jobs(batch_size integer) TO jobs_admin;


--
-- Name: FUNCTION queue_jobs(queue text, status text, page integer, page_size integer); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.queue_jobs(queue text, status text, page integer, page_size integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.queue_jobs(queue text, status text, page integer, page_size integer) TO jobs_user;
GRANT ALL ON FUNCTION api.queue_jobs(queue text, status text, page integer, page_size integer) TO jobs_worker;
GRANT ALL ON FUNCTION api.queue_jobs(queue text, status text, page integer, page_size integer) TO jobs_admin;


--
-- Name: FUNCTION queue_time(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.queue_time(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.queue_time(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.queue_time(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.queue_time(api.jobs) TO jobs_admin;


--
-- Name: FUNCTION reap_expired_leases(); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.reap_expired_leases() FROM PUBLIC;
GRANT ALL ON FUNCTION api.reap_expired_leases() TO jobs_worker;
GRANT ALL ON FUNCTION api.reap_expired_leases() TO jobs_admin;


--
-- Name: FUNCTION release_lock(name text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.release_lock(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.release_lock(name text) TO jobs_user;
GRANT ALL ON FUNCTION api.release_lock(name text) TO jobs_worker;
GRANT ALL ON FUNCTION api.release_lock(name text) TO jobs_admin;


--
-- Name: FUNCTION is_retriable(status jobs.job_status, num_error integer); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.is_retriable(status jobs.job_status, num_error integer) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.is_retriable(status jobs.job_status, num_error integer) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.is_retriable(status jobs.job_status, num_error integer) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.is_retriable(status jobs.job_status, num_error integer) TO jobs_admin;


--
-- Name: FUNCTION retriable(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.retriable(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.retriable(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.retriable(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.retriable(api.jobs) TO jobs_admin;


--
-- Name: FUNCTION retries(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.retries(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.retries(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.retries(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.retries(api.jobs) TO jobs_admin;


--
-- Name: FUNCTION retry_failed_retries(job_id bigint); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.retry_failed_retries(job_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.retry_failed_retries(job_id bigint) TO jobs_user;
GRANT ALL ON FUNCTION api.retry_failed_retries(job_id bigint) TO jobs_admin;


--
-- Name: FUNCTION retry_job(job_id bigint); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.retry_job(job_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.retry_job(job_id bigint) TO jobs_user;
GRANT ALL ON FUNCTION api.retry_job(job_id bigint) TO jobs_admin;


--
-- Name: FUNCTION run_maintenance(min_interval_seconds integer, unless_pg_cron boolean); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.run_maintenance(min_interval_seconds integer, unless_pg_cron boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.run_maintenance(min_interval_seconds integer, unless_pg_cron boolean) TO jobs_worker;
GRANT ALL ON FUNCTION api.run_maintenance(min_interval_seconds integer, unless_pg_cron boolean) TO jobs_admin;


--
-- Name: FUNCTION run_schedule(name text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.run_schedule(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.run_schedule(name text) TO jobs_admin;


--
-- Name: FUNCTION worker_is_active(last_seen timestamp with time zone, stopped_at timestamp with time zone); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.worker_is_active(last_seen timestamp with time zone, stopped_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.worker_is_active(last_seen timestamp with time zone, stopped_at timestamp with time zone) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.worker_is_active(last_seen timestamp with time zone, stopped_at timestamp with time zone) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.worker_is_active(last_seen timestamp with time zone, stopped_at timestamp with time zone) TO jobs_admin;


--
-- Name: TABLE worker; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT ON TABLE jobs.worker TO jobs_user;
GRANT SELECT ON TABLE jobs.worker TO jobs_worker;
GRANT SELECT ON TABLE jobs.worker TO jobs_admin;


--
-- Name: TABLE workers; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.workers TO jobs_user;
GRANT SELECT ON TABLE api.workers TO jobs_worker;
GRANT SELECT ON TABLE api.workers TO jobs_admin;


--
-- Name: FUNCTION stop_worker(worker text); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.stop_worker(worker text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.stop_worker(worker text) TO jobs_worker;
GRANT ALL ON FUNCTION api.stop_worker(worker text) TO jobs_admin;


--
-- Name: FUNCTION totals(api.jobs); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.totals(api.jobs) FROM PUBLIC;
GRANT ALL ON FUNCTION api.totals(api.jobs) TO jobs_user;
GRANT ALL ON FUNCTION api.totals(api.jobs) TO jobs_worker;
GRANT ALL ON FUNCTION api.totals(api.jobs) TO jobs_admin;


--
-- Name: FUNCTION caller_role(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.caller_role() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.caller_role() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.caller_role() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.caller_role() TO jobs_admin;
GRANT ALL ON FUNCTION jobs_internal.caller_role() TO anon;
GRANT ALL ON FUNCTION jobs_internal.caller_role() TO jobs_metrics;


--
-- Name: FUNCTION caller_scope(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.caller_scope() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.caller_scope() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.caller_scope() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.caller_scope() TO jobs_admin;
GRANT ALL ON FUNCTION jobs_internal.caller_scope() TO jobs_metrics;


--
-- Name: FUNCTION jwt_claims(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.jwt_claims() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.jwt_claims() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.jwt_claims() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.jwt_claims() TO jobs_admin;
GRANT ALL ON FUNCTION jobs_internal.jwt_claims() TO anon;
GRANT ALL ON FUNCTION jobs_internal.jwt_claims() TO jobs_metrics;


--
-- Name: FUNCTION current_actor(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.current_actor() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.current_actor() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.current_actor() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.current_actor() TO jobs_admin;
GRANT ALL ON FUNCTION jobs_internal.current_actor() TO jobs_metrics;


--
-- Name: FUNCTION whoami(); Type: ACL; Schema: api; Owner: -
--

REVOKE ALL ON FUNCTION api.whoami() FROM PUBLIC;
GRANT ALL ON FUNCTION api.whoami() TO jobs_user;
GRANT ALL ON FUNCTION api.whoami() TO jobs_worker;
GRANT ALL ON FUNCTION api.whoami() TO jobs_admin;
GRANT ALL ON FUNCTION api.whoami() TO jobs_metrics;


--
-- Name: FUNCTION assert_held(job_id bigint, worker text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.assert_held(job_id bigint, worker text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.assert_held(job_id bigint, worker text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.assert_held(job_id bigint, worker text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.assert_held(job_id bigint, worker text) TO jobs_admin;


--
-- Name: FUNCTION assert_locks_held(job_id bigint, lock_names text[]); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.assert_locks_held(job_id bigint, lock_names text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.assert_locks_held(job_id bigint, lock_names text[]) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.assert_locks_held(job_id bigint, lock_names text[]) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.assert_locks_held(job_id bigint, lock_names text[]) TO jobs_admin;


--
-- Name: FUNCTION backoff(attempts integer, base_seconds integer, max_seconds integer); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.backoff(attempts integer, base_seconds integer, max_seconds integer) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.backoff(attempts integer, base_seconds integer, max_seconds integer) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.backoff(attempts integer, base_seconds integer, max_seconds integer) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.backoff(attempts integer, base_seconds integer, max_seconds integer) TO jobs_admin;


--
-- Name: FUNCTION bucket_seconds(bucket smallint); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.bucket_seconds(bucket smallint) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.bucket_seconds(bucket smallint) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.bucket_seconds(bucket smallint) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.bucket_seconds(bucket smallint) TO jobs_admin;


--
-- Name: FUNCTION bucket_percentile(buckets smallint[], counts bigint[], p double precision); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.bucket_percentile(buckets smallint[], counts bigint[], p double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.bucket_percentile(buckets smallint[], counts bigint[], p double precision) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.bucket_percentile(buckets smallint[], counts bigint[], p double precision) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.bucket_percentile(buckets smallint[], counts bigint[], p double precision) TO jobs_admin;


--
-- Name: FUNCTION check_time_zone(time_zone text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.check_time_zone(time_zone text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.check_time_zone(time_zone text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.check_time_zone(time_zone text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.check_time_zone(time_zone text) TO jobs_admin;


--
-- Name: FUNCTION check_token(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.check_token() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.check_token() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.check_token() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.check_token() TO jobs_admin;
GRANT ALL ON FUNCTION jobs_internal.check_token() TO anon;
GRANT ALL ON FUNCTION jobs_internal.check_token() TO jobs_metrics;


--
-- Name: FUNCTION claim_floor_lock_class(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.claim_floor_lock_class() FROM PUBLIC;


--
-- Name: FUNCTION claim_floors(queue text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.claim_floors(queue text) FROM PUBLIC;


--
-- Name: FUNCTION claim_wait_slot(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.claim_wait_slot() FROM PUBLIC;


--
-- Name: FUNCTION claimable_queues(queues text[]); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.claimable_queues(queues text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.claimable_queues(queues text[]) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.claimable_queues(queues text[]) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.claimable_queues(queues text[]) TO jobs_admin;


--
-- Name: FUNCTION copy_defaults(target regclass, source regclass); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.copy_defaults(target regclass, source regclass) FROM PUBLIC;


--
-- Name: FUNCTION cron_field(expr text, field_number integer, field text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.cron_field(expr text, field_number integer, field text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.cron_field(expr text, field_number integer, field text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.cron_field(expr text, field_number integer, field text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.cron_field(expr text, field_number integer, field text) TO jobs_admin;


--
-- Name: FUNCTION cron_next(expr text, time_zone text, after timestamp with time zone); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.cron_next(expr text, time_zone text, after timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.cron_next(expr text, time_zone text, after timestamp with time zone) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.cron_next(expr text, time_zone text, after timestamp with time zone) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.cron_next(expr text, time_zone text, after timestamp with time zone) TO jobs_admin;


--
-- Name: FUNCTION cron_parse(expr text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.cron_parse(expr text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.cron_parse(expr text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.cron_parse(expr text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.cron_parse(expr text) TO jobs_admin;


--
-- Name: FUNCTION current_claim_floors(queue text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.current_claim_floors(queue text) FROM PUBLIC;


--
-- Name: FUNCTION duration_bucket(seconds double precision); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.duration_bucket(seconds double precision) FROM PUBLIC;


--
-- Name: FUNCTION error_entry(attempt integer, error text, stacktrace text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.error_entry(attempt integer, error text, stacktrace text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.error_entry(attempt integer, error text, stacktrace text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.error_entry(attempt integer, error text, stacktrace text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.error_entry(attempt integer, error text, stacktrace text) TO jobs_admin;


--
-- Name: FUNCTION escape_for_message(value text, max_length integer); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.escape_for_message(value text, max_length integer) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.escape_for_message(value text, max_length integer) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.escape_for_message(value text, max_length integer) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.escape_for_message(value text, max_length integer) TO jobs_admin;


--
-- Name: FUNCTION escape_list_for_message(vals text[], max_items integer); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.escape_list_for_message(vals text[], max_items integer) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.escape_list_for_message(vals text[], max_items integer) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.escape_list_for_message(vals text[], max_items integer) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.escape_list_for_message(vals text[], max_items integer) TO jobs_admin;


--
-- Name: FUNCTION etl_status(status jobs.job_status); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.etl_status(status jobs.job_status) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.etl_status(status jobs.job_status) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.etl_status(status jobs.job_status) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.etl_status(status jobs.job_status) TO jobs_admin;


--
-- Name: FUNCTION fire_due_schedules(OUT fired integer, OUT skipped integer); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.fire_due_schedules(OUT fired integer, OUT skipped integer) FROM PUBLIC;


--
-- Name: FUNCTION fire_schedule(schedule_name text, fire_at timestamp with time zone); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.fire_schedule(schedule_name text, fire_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.fire_schedule(schedule_name text, fire_at timestamp with time zone) TO jobs_admin;


--
-- Name: FUNCTION fold_history(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.fold_history() FROM PUBLIC;


--
-- Name: FUNCTION fold_queue_counts(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.fold_queue_counts() FROM PUBLIC;


--
-- Name: FUNCTION get_job_in_scope(job_id bigint); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.get_job_in_scope(job_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.get_job_in_scope(job_id bigint) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.get_job_in_scope(job_id bigint) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.get_job_in_scope(job_id bigint) TO jobs_admin;


--
-- Name: FUNCTION history_minutes_kept(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.history_minutes_kept() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.history_minutes_kept() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.history_minutes_kept() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.history_minutes_kept() TO jobs_admin;


--
-- Name: FUNCTION in_scope(scope_everything boolean, scope_owner text, scope_queues text[], owner text, queue text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.in_scope(scope_everything boolean, scope_owner text, scope_queues text[], owner text, queue text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.in_scope(scope_everything boolean, scope_owner text, scope_queues text[], owner text, queue text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.in_scope(scope_everything boolean, scope_owner text, scope_queues text[], owner text, queue text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.in_scope(scope_everything boolean, scope_owner text, scope_queues text[], owner text, queue text) TO jobs_admin;


--
-- Name: FUNCTION history_rows(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.history_rows() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.history_rows() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.history_rows() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.history_rows() TO jobs_admin;


--
-- Name: FUNCTION is_finished(status jobs.job_status); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.is_finished(status jobs.job_status) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.is_finished(status jobs.job_status) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.is_finished(status jobs.job_status) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.is_finished(status jobs.job_status) TO jobs_admin;


--
-- Name: TABLE schedule; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT,DELETE ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.name; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(name) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.cron; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(cron),UPDATE(cron) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.time_zone; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(time_zone),UPDATE(time_zone) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.queue; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(queue),UPDATE(queue) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.job_name; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(job_name),UPDATE(job_name) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.payload; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(payload),UPDATE(payload) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.priority; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(priority),UPDATE(priority) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.meta; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(meta),UPDATE(meta) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.locks; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(locks),UPDATE(locks) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.max_attempts; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(max_attempts),UPDATE(max_attempts) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.enabled; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(enabled),UPDATE(enabled) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.on_missed; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(on_missed),UPDATE(on_missed) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: COLUMN schedule.owner; Type: ACL; Schema: jobs; Owner: -
--

GRANT INSERT(owner),UPDATE(owner) ON TABLE jobs.schedule TO jobs_admin;


--
-- Name: FUNCTION is_schedule_owner(schedule_name text, owner text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.is_schedule_owner(schedule_name text, owner text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.is_schedule_owner(schedule_name text, owner text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.is_schedule_owner(schedule_name text, owner text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.is_schedule_owner(schedule_name text, owner text) TO jobs_admin;


--
-- Name: FUNCTION job_status_of_etl(status text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.job_status_of_etl(status text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.job_status_of_etl(status text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.job_status_of_etl(status text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.job_status_of_etl(status text) TO jobs_admin;


--
-- Name: FUNCTION latest_job_ids(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.latest_job_ids() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.latest_job_ids() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.latest_job_ids() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.latest_job_ids() TO jobs_admin;


--
-- Name: FUNCTION lock_is_taken(name text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.lock_is_taken(name text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.lock_is_taken(name text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.lock_is_taken(name text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.lock_is_taken(name text) TO jobs_admin;


--
-- Name: FUNCTION lock_is_visible(holder text, job_id bigint); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.lock_is_visible(holder text, job_id bigint) FROM PUBLIC;


--
-- Name: FUNCTION login_queues(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.login_queues() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.login_queues() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.login_queues() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.login_queues() TO jobs_admin;
GRANT ALL ON FUNCTION jobs_internal.login_queues() TO jobs_metrics;


--
-- Name: FUNCTION maintenance_mode(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.maintenance_mode() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.maintenance_mode() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.maintenance_mode() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.maintenance_mode() TO jobs_admin;


--
-- Name: FUNCTION max_batch_jobs(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.max_batch_jobs() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.max_batch_jobs() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.max_batch_jobs() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.max_batch_jobs() TO jobs_admin;


--
-- Name: FUNCTION max_json_depth(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.max_json_depth() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.max_json_depth() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.max_json_depth() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.max_json_depth() TO jobs_admin;


--
-- Name: FUNCTION merged_queues_limit(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.merged_queues_limit() FROM PUBLIC;


--
-- Name: FUNCTION metric_duration_bounds(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.metric_duration_bounds() FROM PUBLIC;


--
-- Name: FUNCTION metric_family(name text, kind text, help text, samples text[]); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.metric_family(name text, kind text, help text, samples text[]) FROM PUBLIC;


--
-- Name: FUNCTION metric_label(value text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.metric_label(value text) FROM PUBLIC;


--
-- Name: FUNCTION minute_history_rows(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.minute_history_rows() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.minute_history_rows() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.minute_history_rows() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.minute_history_rows() TO jobs_admin;


--
-- Name: FUNCTION notify_enabled(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.notify_enabled() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.notify_enabled() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.notify_enabled() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.notify_enabled() TO jobs_admin;


--
-- Name: FUNCTION pick_due_jobs(queues text[], max_jobs integer); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.pick_due_jobs(queues text[], max_jobs integer) FROM PUBLIC;


--
-- Name: FUNCTION pick_due_scheduled(queues text[], max_jobs integer); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.pick_due_scheduled(queues text[], max_jobs integer) FROM PUBLIC;


--
-- Name: FUNCTION promote_due_jobs(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.promote_due_jobs() FROM PUBLIC;


--
-- Name: FUNCTION prune_history(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.prune_history() FROM PUBLIC;


--
-- Name: FUNCTION queue_counts(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.queue_counts() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.queue_counts() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.queue_counts() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.queue_counts() TO jobs_admin;


--
-- Name: FUNCTION queue_depth(queue text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.queue_depth(queue text) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.queue_depth(queue text) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.queue_depth(queue text) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.queue_depth(queue text) TO jobs_admin;


--
-- Name: FUNCTION raise_claim_floors(queue text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.raise_claim_floors(queue text) FROM PUBLIC;


--
-- Name: FUNCTION rebuild_queue_counts(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.rebuild_queue_counts() FROM PUBLIC;


--
-- Name: FUNCTION rescue_expired_leases(queues text[]); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.rescue_expired_leases(queues text[]) FROM PUBLIC;


--
-- Name: FUNCTION unfinished_descendant(job_id bigint); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.unfinished_descendant(job_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.unfinished_descendant(job_id bigint) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.unfinished_descendant(job_id bigint) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.unfinished_descendant(job_id bigint) TO jobs_admin;


--
-- Name: FUNCTION retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.retention_keeps(job_id bigint, name text, owner text, status jobs.job_status, started_at timestamp with time zone) TO jobs_admin;


--
-- Name: FUNCTION schedule_grace(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.schedule_grace() FROM PUBLIC;


--
-- Name: FUNCTION seconds_to_next_due(queues text[]); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.seconds_to_next_due(queues text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.seconds_to_next_due(queues text[]) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.seconds_to_next_due(queues text[]) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.seconds_to_next_due(queues text[]) TO jobs_admin;


--
-- Name: FUNCTION see_worker(worker text, queues text[]); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.see_worker(worker text, queues text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.see_worker(worker text, queues text[]) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.see_worker(worker text, queues text[]) TO jobs_admin;


--
-- Name: FUNCTION take_job_locks(job_ids bigint[], worker text); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.take_job_locks(job_ids bigint[], worker text) FROM PUBLIC;


--
-- Name: FUNCTION tg_etl_jobs__write(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_etl_jobs__write() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__check_batch(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__check_batch() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__check_limits(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__check_limits() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__check_priority(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__check_priority() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__check_times(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__check_times() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__claim_floor(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__claim_floor() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__count_truncate(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__count_truncate() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__counts_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__counts_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__counts_insert(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__counts_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__counts_update(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__counts_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__create_queue(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__create_queue() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__events_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__events_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__events_insert(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__events_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__events_update(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__events_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__files_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__files_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__follow_ups_insert(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__follow_ups_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__follow_ups_update(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__follow_ups_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__guard_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__guard_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__guard_lineage(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__guard_lineage() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__guard_transition(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__guard_transition() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__history_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__history_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__history_insert(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__history_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__history_update(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__history_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__initial_status(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__initial_status() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__lineage_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__lineage_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__locks_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__locks_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__locks_update(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__locks_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__notify_insert(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__notify_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__notify_update(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__notify_update() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__queues_insert(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__queues_insert() FROM PUBLIC;


--
-- Name: FUNCTION tg_job__set_owner(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job__set_owner() FROM PUBLIC;


--
-- Name: FUNCTION tg_job_file__check_job(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job_file__check_job() FROM PUBLIC;


--
-- Name: FUNCTION tg_job_lock__wake(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_job_lock__wake() FROM PUBLIC;


--
-- Name: FUNCTION tg_queue__guard_delete(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_queue__guard_delete() FROM PUBLIC;


--
-- Name: FUNCTION tg_queues__write(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_queues__write() FROM PUBLIC;


--
-- Name: FUNCTION tg_read_only_view(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_read_only_view() FROM PUBLIC;


--
-- Name: FUNCTION tg_refuse_unfiltered_write(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_refuse_unfiltered_write() FROM PUBLIC;


--
-- Name: FUNCTION tg_schedule__check(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.tg_schedule__check() FROM PUBLIC;


--
-- Name: FUNCTION transition_allowed(from_status jobs.job_status, to_status jobs.job_status); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.transition_allowed(from_status jobs.job_status, to_status jobs.job_status) FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.transition_allowed(from_status jobs.job_status, to_status jobs.job_status) TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.transition_allowed(from_status jobs.job_status, to_status jobs.job_status) TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.transition_allowed(from_status jobs.job_status, to_status jobs.job_status) TO jobs_admin;


--
-- Name: FUNCTION worker_queues(); Type: ACL; Schema: jobs_internal; Owner: -
--

REVOKE ALL ON FUNCTION jobs_internal.worker_queues() FROM PUBLIC;
GRANT ALL ON FUNCTION jobs_internal.worker_queues() TO jobs_user;
GRANT ALL ON FUNCTION jobs_internal.worker_queues() TO jobs_worker;
GRANT ALL ON FUNCTION jobs_internal.worker_queues() TO jobs_admin;
GRANT ALL ON FUNCTION jobs_internal.worker_queues() TO jobs_metrics;


--
-- Name: TABLE daily_job_stats; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.daily_job_stats TO jobs_user;
GRANT SELECT ON TABLE api.daily_job_stats TO jobs_worker;
GRANT SELECT ON TABLE api.daily_job_stats TO jobs_admin;


--
-- Name: TABLE duration_percentiles; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.duration_percentiles TO jobs_user;
GRANT SELECT ON TABLE api.duration_percentiles TO jobs_worker;
GRANT SELECT ON TABLE api.duration_percentiles TO jobs_admin;


--
-- Name: TABLE etl_jobs; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.etl_jobs TO jobs_user;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.etl_jobs TO jobs_admin;


--
-- Name: TABLE job_stats; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.job_stats TO jobs_user;
GRANT SELECT ON TABLE api.job_stats TO jobs_worker;
GRANT SELECT ON TABLE api.job_stats TO jobs_admin;


--
-- Name: TABLE latest_runs; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.latest_runs TO jobs_user;
GRANT SELECT ON TABLE api.latest_runs TO jobs_worker;
GRANT SELECT ON TABLE api.latest_runs TO jobs_admin;


--
-- Name: TABLE long_running_jobs; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.long_running_jobs TO jobs_user;
GRANT SELECT ON TABLE api.long_running_jobs TO jobs_worker;
GRANT SELECT ON TABLE api.long_running_jobs TO jobs_admin;


--
-- Name: COLUMN maintenance.history_days; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT(history_days) ON TABLE jobs.maintenance TO jobs_user;
GRANT SELECT(history_days) ON TABLE jobs.maintenance TO jobs_worker;
GRANT SELECT(history_days),UPDATE(history_days) ON TABLE jobs.maintenance TO jobs_admin;


--
-- Name: COLUMN maintenance.started_at; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT(started_at) ON TABLE jobs.maintenance TO jobs_user;
GRANT SELECT(started_at) ON TABLE jobs.maintenance TO jobs_worker;
GRANT SELECT(started_at) ON TABLE jobs.maintenance TO jobs_admin;


--
-- Name: COLUMN maintenance.finished_at; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT(finished_at) ON TABLE jobs.maintenance TO jobs_user;
GRANT SELECT(finished_at) ON TABLE jobs.maintenance TO jobs_worker;
GRANT SELECT(finished_at) ON TABLE jobs.maintenance TO jobs_admin;


--
-- Name: COLUMN maintenance.result; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT(result) ON TABLE jobs.maintenance TO jobs_user;
GRANT SELECT(result) ON TABLE jobs.maintenance TO jobs_worker;
GRANT SELECT(result) ON TABLE jobs.maintenance TO jobs_admin;


--
-- Name: COLUMN maintenance.runs; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT(runs) ON TABLE jobs.maintenance TO jobs_user;
GRANT SELECT(runs) ON TABLE jobs.maintenance TO jobs_worker;
GRANT SELECT(runs) ON TABLE jobs.maintenance TO jobs_admin;


--
-- Name: TABLE maintenance; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.maintenance TO jobs_user;
GRANT SELECT ON TABLE api.maintenance TO jobs_worker;
GRANT SELECT ON TABLE api.maintenance TO jobs_admin;


--
-- Name: COLUMN maintenance.history_days; Type: ACL; Schema: api; Owner: -
--

GRANT UPDATE(history_days) ON TABLE api.maintenance TO jobs_admin;


--
-- Name: TABLE minute_job_stats; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.minute_job_stats TO jobs_user;
GRANT SELECT ON TABLE api.minute_job_stats TO jobs_worker;
GRANT SELECT ON TABLE api.minute_job_stats TO jobs_admin;


--
-- Name: TABLE queue; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT ON TABLE jobs.queue TO jobs_user;
GRANT SELECT ON TABLE jobs.queue TO jobs_worker;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE jobs.queue TO jobs_admin;


--
-- Name: TABLE queues; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.queues TO jobs_user;
GRANT SELECT ON TABLE api.queues TO jobs_worker;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.queues TO jobs_admin;


--
-- Name: TABLE queue_depth; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT ON TABLE api.queue_depth TO jobs_user;
GRANT SELECT ON TABLE api.queue_depth TO jobs_worker;
GRANT SELECT ON TABLE api.queue_depth TO jobs_admin;


--
-- Name: TABLE schedules; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT,DELETE ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.name; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(name) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.cron; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(cron),UPDATE(cron) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.time_zone; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(time_zone),UPDATE(time_zone) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.queue; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(queue),UPDATE(queue) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.job_name; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(job_name),UPDATE(job_name) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.payload; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(payload),UPDATE(payload) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.priority; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(priority),UPDATE(priority) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.meta; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(meta),UPDATE(meta) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.locks; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(locks),UPDATE(locks) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.max_attempts; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(max_attempts),UPDATE(max_attempts) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.enabled; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(enabled),UPDATE(enabled) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.on_missed; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(on_missed),UPDATE(on_missed) ON TABLE api.schedules TO jobs_admin;


--
-- Name: COLUMN schedules.owner; Type: ACL; Schema: api; Owner: -
--

GRANT INSERT(owner),UPDATE(owner) ON TABLE api.schedules TO jobs_admin;


--
-- Name: TABLE worker_login; Type: ACL; Schema: jobs; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE jobs.worker_login TO jobs_admin;


--
-- Name: TABLE worker_logins; Type: ACL; Schema: api; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE api.worker_logins TO jobs_admin;


--
-- Name: SEQUENCE job_file_id_seq; Type: ACL; Schema: jobs; Owner: -
--

GRANT USAGE ON SEQUENCE jobs.job_file_id_seq TO jobs_user;
GRANT USAGE ON SEQUENCE jobs.job_file_id_seq TO jobs_worker;
GRANT USAGE ON SEQUENCE jobs.job_file_id_seq TO jobs_admin;


--
-- Name: SEQUENCE job_id_seq; Type: ACL; Schema: jobs; Owner: -
--

GRANT USAGE ON SEQUENCE jobs.job_id_seq TO jobs_user;
GRANT USAGE ON SEQUENCE jobs.job_id_seq TO jobs_admin;


--
-- PostgreSQL database dump complete
--
