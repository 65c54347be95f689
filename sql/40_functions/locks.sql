-- acquire_lock / release_lock: named locks for scripts.
-- SECURITY DEFINER: users and workers take and release locks through these
-- functions only (they have no INSERT or DELETE on jobs.job_lock), and each
-- says who holds a lock only to a caller who may see it (lock_is_visible).
-- Depends on: api.job_locks, 20_internals.

CREATE OR REPLACE FUNCTION api.acquire_lock(name text, job_id bigint DEFAULT NULL)
RETURNS api.job_locks
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
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

COMMENT ON FUNCTION api.acquire_lock(text, bigint) IS
$$Take a named lock

Takes the lock for job_id, a running job that holds it until it stops (404 for an unknown job, 409 when it is not running), or for the caller when job_id is null, until release_lock. 409 when someone else holds it; the details say who and since when if the caller may see that holder. While it is held, claim_jobs hands out no job that names it in its locks.$$;

CREATE OR REPLACE FUNCTION api.release_lock(name text)
RETURNS api.job_locks
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
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

COMMENT ON FUNCTION api.release_lock(text) IS
$$Release a named lock

Releases a lock the caller took (an admin may release any). Returns the lock that was released; 404 when it was not held, 403 when someone else holds it.$$;
