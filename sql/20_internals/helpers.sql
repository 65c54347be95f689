-- Small private helpers shared by the triggers and the api functions.
-- Depends on: migrations (schema jobs).

-- A finished job never changes status again and is the only kind that may
-- be deleted.
CREATE OR REPLACE FUNCTION jobs_internal.is_finished(status jobs.job_status)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT status IN ('completed', 'failed', 'cancelled');
END;

-- A finished job worth retrying: it failed, or completed with errors.
CREATE OR REPLACE FUNCTION jobs_internal.is_retriable(
    status jobs.job_status, num_error integer
)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT status = 'failed' OR (status = 'completed' AND num_error > 0);
END;

-- A value a caller gave, as an error message shows it. PostgREST 12 puts the
-- message of a PTxxx error into the HTTP status line as it is: raw text there
-- could add headers or break the response.
CREATE OR REPLACE FUNCTION jobs_internal.escape_for_message(
    value text, max_length integer DEFAULT 100
)
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
BEGIN ATOMIC
    SELECT
        coalesce(
            string_agg(
                CASE
                    WHEN c.ch = '\' THEN '\\'
                    WHEN c.ch = E'\n' THEN '\n'
                    WHEN c.ch = E'\r' THEN '\r'
                    WHEN c.ch = E'\t' THEN '\t'
                    WHEN
                        c.ch
                        ~ '[\u0001-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]'
                        THEN '\u' || lpad(to_hex(ascii(c.ch)), 4, '0')
                    ELSE c.ch
                END, '' ORDER BY c.n
            ),
            ''
        )
        || CASE WHEN length(value) > max_length THEN '...' ELSE '' END
    FROM string_to_table(left(value, max_length), NULL) WITH ORDINALITY AS c (ch, n);
END;

COMMENT ON FUNCTION jobs_internal.escape_for_message(text, integer) IS
$$A value as an error message shows it: backslash, control characters (C0, DEL, C1), line and paragraph separators and bidirectional formatting characters escaped (\\, \n, \r, \t, \uXXXX), cut after max_length characters (... marks a cut); any other text as it is. Every RAISE whose message names text a caller gave or stored passes it through here, because PostgREST puts the message of a PTxxx error into the HTTP status line as it is. The value as given may go into DETAIL, which only the JSON body carries. Null gives null.$$;

-- Several values for an error message: the first max_items, then how many
-- more there are.
CREATE OR REPLACE FUNCTION jobs_internal.escape_list_for_message(
    vals text[], max_items integer DEFAULT 5
)
RETURNS text
LANGUAGE sql
IMMUTABLE
STRICT
PARALLEL SAFE
BEGIN ATOMIC
    SELECT
        concat_ws(
            ' and ',
            string_agg(
                coalesce(jobs_internal.escape_for_message(v.value), '<NULL>'), ', '
                ORDER BY v.n
            ) FILTER (WHERE v.n <= max_items),
            CASE
                WHEN count(*) > max_items THEN format('%s more', count(*) - max_items)
            END
        )
    FROM unnest(vals) WITH ORDINALITY AS v (value, n);
END;

COMMENT ON FUNCTION jobs_internal.escape_list_for_message(text[], integer) IS
$$Values as an error message lists them: the first max_items, each as escape_for_message shows it, separated by commas, then "and N more" when there are more.$$;

-- One entry of job.errors: what went wrong in one attempt.
CREATE OR REPLACE FUNCTION jobs_internal.error_entry(
    attempt integer, error text, stacktrace text
)
RETURNS jsonb
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT jsonb_build_object(
        'attempt', attempt,
        'at', now(),
        'error', error,
        'stacktrace', stacktrace
    );
END;

-- Delay before the next attempt: base * 2^(attempts - 1), capped.
CREATE OR REPLACE FUNCTION jobs_internal.backoff(
    attempts integer, base_seconds integer, max_seconds integer
)
RETURNS interval
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT make_interval(
        secs => least(
            base_seconds * power(2, greatest(attempts - 1, 0))::numeric,
            max_seconds
        )::double precision
    );
END;

-- A view's columns take the defaults of the table under it, so that an
-- INSERT naming DEFAULT (PostgREST's Prefer: missing=default) or writing
-- through an INSTEAD OF trigger gets them too: one source, the table.
CREATE OR REPLACE FUNCTION jobs_internal.copy_defaults(target regclass, source regclass)
RETURNS void
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

-- The job with that id if it is in the caller's scope (callers.sql), or a
-- 404 error, as for an id never used: row level security filters an
-- invoker's read anyway, and a SECURITY DEFINER function's read is checked
-- here.
CREATE OR REPLACE FUNCTION jobs_internal.get_job_in_scope(job_id bigint)
RETURNS jobs.job
LANGUAGE plpgsql
STABLE
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

-- Refuse with 409 when a worker reports on a job it does not hold.
CREATE OR REPLACE FUNCTION jobs_internal.assert_held(job_id bigint, worker text)
RETURNS void
LANGUAGE plpgsql
STABLE
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

-- The statuses of the ETL run log (seed API) and ours.
CREATE OR REPLACE FUNCTION jobs_internal.etl_status(status jobs.job_status)
RETURNS text
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT CASE status
        WHEN 'running' THEN 'in_progress'
        WHEN 'completed' THEN 'success'
        WHEN 'failed' THEN 'error'
        ELSE status::text
    END;
END;

CREATE OR REPLACE FUNCTION jobs_internal.job_status_of_etl(status text)
RETURNS jobs.job_status
LANGUAGE plpgsql
IMMUTABLE
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
