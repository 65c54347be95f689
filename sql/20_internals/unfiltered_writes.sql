-- A PATCH or DELETE needs a filter. Through PostgREST, one without a query
-- string filter changes every row the caller reaches, and a body that looks
-- like a filter (DELETE /job_locks {"name": "devices"}) is ignored: every
-- lock would go. PostgREST 12.0.2 has no max-affected and pg-safeupdate is
-- not packaged for Debian 12, so the database refuses such a statement,
-- before it changes a row: 400, saying how to write the filter.
--
-- How it tells: PostgREST sends each PATCH or DELETE as one statement of a
-- fixed shape, WITH pgrst_source AS (UPDATE "api"."view" SET ... | DELETE
-- FROM "api"."view" ...) with its filters as a WHERE clause before
-- RETURNING; the values travel as parameters ($1, $2), never in the text.
-- current_query() is that statement, also inside the triggers it fires, so
-- the check sees what the client asked for, whichever table it reaches
-- first. Only requests through PostgREST are checked (request.method is
-- PATCH or DELETE): a SQL session writes as it will, and RPCs are POSTs.
-- The single-row api.maintenance is exempt (no trigger on its table).
-- Depends on: helpers.sql.

CREATE OR REPLACE FUNCTION jobs_internal.tg_refuse_unfiltered_write()
RETURNS trigger
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

COMMENT ON FUNCTION jobs_internal.tg_refuse_unfiltered_write() IS
'Refuses (400) a PATCH or DELETE sent through PostgREST without a filter, before any row changes: such a statement, of PostgREST''s fixed shape, has no WHERE clause before RETURNING (current_query()). PostgREST 12.0.2 has no max-affected and pg-safeupdate is not packaged for Debian 12. SQL sessions are not checked.';

-- The tables a PATCH or DELETE route writes (the views over them are
-- security_invoker, or write through INSTEAD OF triggers).
CREATE OR REPLACE TRIGGER _010_refuse_unfiltered_write
BEFORE UPDATE OR DELETE ON jobs.job
FOR EACH STATEMENT
WHEN (current_setting('request.method', TRUE) IN ('PATCH', 'DELETE'))
EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();

CREATE OR REPLACE TRIGGER _010_refuse_unfiltered_write
BEFORE UPDATE OR DELETE ON jobs.job_lock
FOR EACH STATEMENT
WHEN (current_setting('request.method', TRUE) IN ('PATCH', 'DELETE'))
EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();

CREATE OR REPLACE TRIGGER _010_refuse_unfiltered_write
BEFORE UPDATE OR DELETE ON jobs.queue
FOR EACH STATEMENT
WHEN (current_setting('request.method', TRUE) IN ('PATCH', 'DELETE'))
EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();

CREATE OR REPLACE TRIGGER _010_refuse_unfiltered_write
BEFORE UPDATE OR DELETE ON jobs.job_file
FOR EACH STATEMENT
WHEN (current_setting('request.method', TRUE) IN ('PATCH', 'DELETE'))
EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();

CREATE OR REPLACE TRIGGER _010_refuse_unfiltered_write
BEFORE UPDATE OR DELETE ON jobs.schedule
FOR EACH STATEMENT
WHEN (current_setting('request.method', TRUE) IN ('PATCH', 'DELETE'))
EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();

CREATE OR REPLACE TRIGGER _010_refuse_unfiltered_write
BEFORE UPDATE OR DELETE ON jobs.worker_login
FOR EACH STATEMENT
WHEN (current_setting('request.method', TRUE) IN ('PATCH', 'DELETE'))
EXECUTE FUNCTION jobs_internal.tg_refuse_unfiltered_write();
