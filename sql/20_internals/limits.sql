-- Limits on what a job holds, so that nothing a caller sends can stop a
-- worker or fill the disk, each refused in words with the limit and the
-- value, and nothing stored:
--   payload, result, meta  nested at most 64 deep (400): far below what
--                          breaks a JSON decoder (Python's gives up near
--                          1,000), so every client can read every job;
--                          at most the queue's max_payload_bytes each, as
--                          stored (413; 1 MB unless an admin sets it)
--   message, error         at most 10,000 characters (413)
--   stacktrace             at most 100,000 characters (413)
--   POST /jobs             at most 10,000 jobs in one request (413)
-- A heartbeat's result is merged into the job's, so the merged result is
-- what is checked. The checks are row triggers whose WHEN clauses are cheap
-- tests (sizes, lengths, one jsonpath probe), so a job within the limits
-- pays no function call.
-- Depends on: migrations, helpers.sql.

CREATE OR REPLACE FUNCTION jobs_internal.max_json_depth()
RETURNS integer
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT 64;
END;

COMMENT ON FUNCTION jobs_internal.max_json_depth() IS
'How deep payload, result and meta may be nested: 64 levels below the top.';

CREATE OR REPLACE FUNCTION jobs_internal.max_batch_jobs()
RETURNS integer
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT 10000;
END;

COMMENT ON FUNCTION jobs_internal.max_batch_jobs() IS
'Most jobs one POST /jobs (or /etl_jobs) may submit: 10,000.';

-- The first limit a job's row breaks, in words, or nothing.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__check_limits()
RETURNS trigger
LANGUAGE plpgsql
AS $$
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
$$;

-- One trigger per group of columns, so that an update that does not set a
-- column (a heartbeat sets message and result) does not read it.
CREATE OR REPLACE TRIGGER _080_check_payload
BEFORE INSERT OR UPDATE OF payload, queue ON jobs.job
FOR EACH ROW
WHEN (
    pg_column_size(new.payload) > 65536
    OR jsonb_path_exists(new.payload, 'strict $.**{65}')
)
EXECUTE FUNCTION jobs_internal.tg_job__check_limits();

CREATE OR REPLACE TRIGGER _080_check_result
BEFORE INSERT OR UPDATE OF result ON jobs.job
FOR EACH ROW
WHEN (
    pg_column_size(new.result) > 65536
    OR jsonb_path_exists(new.result, 'strict $.**{65}')
)
EXECUTE FUNCTION jobs_internal.tg_job__check_limits();

CREATE OR REPLACE TRIGGER _080_check_meta
BEFORE INSERT OR UPDATE OF meta ON jobs.job
FOR EACH ROW
WHEN (
    pg_column_size(new.meta) > 65536
    OR jsonb_path_exists(new.meta, 'strict $.**{65}')
)
EXECUTE FUNCTION jobs_internal.tg_job__check_limits();

CREATE OR REPLACE TRIGGER _080_check_text
BEFORE INSERT OR UPDATE OF message, error, stacktrace ON jobs.job
FOR EACH ROW
WHEN (
    length(new.message) > 10000
    OR length(new.error) > 10000
    OR length(new.stacktrace) > 100000
)
EXECUTE FUNCTION jobs_internal.tg_job__check_limits();

-- A POST of more than max_batch_jobs() jobs, refused before the other
-- statement triggers of the insert do their work (they fire in name order).
-- Only requests through PostgREST: a SQL session batches as it will.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__check_batch()
RETURNS trigger
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

CREATE OR REPLACE TRIGGER _400_check_batch
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
WHEN (
    current_setting('request.method', TRUE) = 'POST'
    AND current_setting('request.path', TRUE) NOT LIKE '/rpc/%'
)
EXECUTE FUNCTION jobs_internal.tg_job__check_batch();
