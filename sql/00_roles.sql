-- Roles are cluster-wide: created once, never dropped by a deploy.
-- PostgREST logs in as authenticator and switches to the role named in the
-- JWT: anon without a token, else jobs_user, jobs_worker or jobs_admin, or
-- jobs_metrics for a Prometheus scraper (it reads GET /rpc/metrics alone).
DO $$
DECLARE
    v_role text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT NOCREATEDB NOCREATEROLE;
    END IF;
    FOREACH v_role IN ARRAY ARRAY['anon', 'jobs_user', 'jobs_worker', 'jobs_admin', 'jobs_metrics'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = v_role) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
        END IF;
        EXECUTE format('GRANT %I TO authenticator', v_role);
        -- PostgREST applies these to each request of the role. JIT
        -- compiling pays off for long analytic queries, but the API's are
        -- short: on a large table, an estimate above jit_above_cost made a
        -- 20 ms read (GET /rpc/metrics) take 50 to 70 ms.
        -- Set once: PostgREST then reloads its configuration to apply it.
        IF v_role <> 'anon' AND NOT EXISTS (
            SELECT FROM pg_db_role_setting AS s
            WHERE
                s.setrole = v_role::regrole AND s.setdatabase = 0
                AND 'jit=off' = ANY(s.setconfig)
        ) THEN
            EXECUTE format('ALTER ROLE %I SET jit = off', v_role);
            NOTIFY pgrst, 'reload config';
        END IF;
    END LOOP;
END
$$;
