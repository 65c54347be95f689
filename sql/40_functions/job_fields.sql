-- Computed fields of api.jobs: GET /jobs?select=*,duration,queue_time,...
-- and in SQL j.duration. Derived on read, never stored.
-- Depends on: api.jobs.

CREATE FUNCTION api.queue_time(api.jobs)
RETURNS numeric
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT round(extract(
        EPOCH FROM coalesce($1.started_at, $1.ended_at, now()) - $1.run_at
    ), 3);
END;

COMMENT ON FUNCTION api.queue_time(api.jobs) IS
'Seconds the job waited between run_at and its start (so far, if it has not started).';

CREATE FUNCTION api.duration(api.jobs)
RETURNS numeric
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT round(extract(
        EPOCH FROM coalesce($1.ended_at, now()) - $1.started_at
    ), 3);
END;

COMMENT ON FUNCTION api.duration(api.jobs) IS
'Seconds from start to end (so far, if running); null before the first start.';

CREATE FUNCTION api.estimated_remaining(api.jobs)
RETURNS numeric
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT CASE
        WHEN $1.status = 'completed' THEN 0
        WHEN $1.status = 'running' AND $1.progress > 0
            THEN round(
                extract(EPOCH FROM now() - $1.started_at)
                * (100 - $1.progress) / $1.progress,
                3
            )
    END;
END;

COMMENT ON FUNCTION api.estimated_remaining(api.jobs) IS
'Seconds left for a running job, from its progress rate so far; 0 when completed, null when unknown.';

CREATE FUNCTION api.retriable(api.jobs)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT $1.status = 'failed' OR ($1.status = 'completed' AND $1.num_error > 0);
END;

COMMENT ON FUNCTION api.retriable(api.jobs) IS
'True when the job failed, or completed with errors: retry_job may retry it.';
