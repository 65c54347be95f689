-- Computed fields of api.jobs: GET /jobs?select=*,duration,queue_time,...
-- and in SQL j.duration. Derived on read, never stored.
-- Depends on: api.jobs.

CREATE OR REPLACE FUNCTION api.queue_time(api.jobs)
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

CREATE OR REPLACE FUNCTION api.duration(api.jobs)
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

CREATE OR REPLACE FUNCTION api.estimated_remaining(api.jobs)
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

CREATE OR REPLACE FUNCTION api.retriable(api.jobs)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT jobs_internal.is_retriable($1.status, $1.num_error);
END;

COMMENT ON FUNCTION api.retriable(api.jobs) IS
'True when the job failed, or completed with errors: retry_job may retry it.';

-- Lineage totals: the original and all its retries count as one result.
CREATE OR REPLACE FUNCTION api.totals(api.jobs)
RETURNS jsonb
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT
        jsonb_build_object(
            'num_success', coalesce(sum(j.num_success), 0),
            'num_ignore', coalesce(sum(j.num_ignore), 0),
            'num_error', coalesce(sum(j.num_error) FILTER (
                WHERE NOT EXISTS (
                    SELECT FROM jobs.job AS r
                    WHERE r.retry_of = j.id AND r.status = 'completed'
                )
            ), 0),
            'jobs', count(*)
        )
    FROM jobs.job AS j
    WHERE
        j.id = coalesce($1.root_job_id, $1.id)
        OR j.root_job_id = coalesce($1.root_job_id, $1.id);
END;

COMMENT ON FUNCTION api.totals(api.jobs) IS
'Results of the original job and all its retries as one: num_success and num_ignore summed, num_error counting only errors no completed retry has redone since, and the number of jobs in the chain (select=*,totals).';

-- GET /jobs?select=*,retries(*) embeds the retries of an original job.
CREATE OR REPLACE FUNCTION api.retries(api.jobs)
RETURNS SETOF api.jobs
LANGUAGE sql
STABLE
ROWS 10
BEGIN ATOMIC
    -- Every column of api.jobs, whatever it holds.
    SELECT v.*  -- noqa: AM04
    FROM api.jobs AS v
    WHERE v.root_job_id = $1.id
    ORDER BY v.id;
END;

COMMENT ON FUNCTION api.retries(api.jobs) IS
'Every retry in the chain of an original job, oldest first (embed with select=*,retries(*)).';

-- GET /jobs?select=*,files(*) embeds a job's files and logs.
CREATE OR REPLACE FUNCTION api.files(api.jobs)
RETURNS SETOF api.job_files
LANGUAGE sql
STABLE
ROWS 5
BEGIN ATOMIC
    SELECT f.*  -- noqa: AM04
    FROM api.job_files AS f
    WHERE f.job_id = $1.id
    ORDER BY f.id;
END;

COMMENT ON FUNCTION api.files(api.jobs) IS
'Files and logs attached to a job (embed with select=*,files(*)).';
