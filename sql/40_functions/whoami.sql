-- whoami: who the token is, what it may see, and which routes it may use,
-- as the database's own privileges say (a grant on some columns counts). The dashboard shows an action only
-- where this allows it, so that it holds no rule of its own.
-- Depends on: 20_internals/callers.sql.

CREATE OR REPLACE FUNCTION api.whoami()
RETURNS jsonb
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT
        jsonb_build_object(
            'role', jobs_internal.caller_role(),
            'sub', jobs_internal.current_actor(),
            'everything', s.everything,
            'owner', s.owner,
            'queues', to_jsonb(s.queues),
            'routes', (
                SELECT coalesce(jsonb_object_agg(r.route, r.verbs), '{}')
                FROM (
                    SELECT
                        c.relname AS route,
                        to_jsonb(array_remove(ARRAY[
                            CASE WHEN has_any_column_privilege(c.oid, 'SELECT') THEN 'GET' END,
                            CASE WHEN has_any_column_privilege(c.oid, 'INSERT') THEN 'POST' END,
                            CASE WHEN has_any_column_privilege(c.oid, 'UPDATE') THEN 'PATCH' END,
                            CASE WHEN has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END
                        ], NULL)) AS verbs
                    FROM pg_catalog.pg_class AS c
                    WHERE
                        c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'
                        AND (
                            has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE')
                            OR has_table_privilege(c.oid, 'DELETE')
                        )
                    UNION ALL
                    SELECT
                        'rpc/' || p.proname AS route,
                        '["POST"]'::jsonb AS verbs
                    FROM pg_catalog.pg_proc AS p
                    WHERE
                        p.pronamespace = 'api'::regnamespace AND p.prokind = 'f'
                        AND has_function_privilege(p.oid, 'EXECUTE')
                        -- functions that compute a column of a view
                        AND NOT EXISTS (
                            SELECT FROM pg_catalog.pg_type AS t
                            WHERE t.oid = any(p.proargtypes) AND t.typrelid <> 0
                        )
                    GROUP BY p.proname
                ) AS r
            )
        )
    FROM jobs_internal.caller_scope() AS s;
END;

COMMENT ON FUNCTION api.whoami() IS
$$Who this token is

The token's role and subject, what it sees (everything, one owner's jobs, or some queues) and the routes it may use with their methods, as the database's privileges say. Row level security narrows which rows each route touches. GET /rpc/whoami$$;
