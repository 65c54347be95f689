-- Workers register on their first claim or heartbeat and are seen on each
-- one after. Each worker writes only its own row: no waiting between
-- workers. SECURITY DEFINER: callers may not edit the worker list.
-- Depends on: migrations.
-- Active: seen within the default lease and not stopped.
CREATE OR REPLACE FUNCTION jobs_internal.worker_is_active(
    last_seen timestamptz, stopped_at timestamptz
)
RETURNS boolean
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT stopped_at IS NULL AND last_seen > now() - interval '5 minutes';
END;

-- PL/pgSQL, which keeps the upsert's plan for the session: as SQL, every
-- claim planned it again (about 30 µs).
CREATE OR REPLACE FUNCTION jobs_internal.see_worker(worker text, queues text[])
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
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
