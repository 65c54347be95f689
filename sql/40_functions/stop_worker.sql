-- stop_worker: a worker says it stops. SECURITY DEFINER: callers may not
-- edit the worker list (20_internals/workers.sql).
-- Depends on: api.workers.

CREATE OR REPLACE FUNCTION api.stop_worker(worker text)
RETURNS api.workers
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
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

COMMENT ON FUNCTION api.stop_worker(text) IS
$$Mark a worker stopped

A worker that shuts down cleanly says so: it no longer counts as active. 404 for an unknown worker.$$;
