-- Roles are cluster-wide: created once, never dropped by a deploy.
-- PostgREST logs in as authenticator and switches to the role named in the
-- JWT: anon without a token, else jobs_user, jobs_worker or jobs_admin.
DO $$
DECLARE
    v_role text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT NOCREATEDB NOCREATEROLE;
    END IF;
    FOREACH v_role IN ARRAY ARRAY['anon', 'jobs_user', 'jobs_worker', 'jobs_admin'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = v_role) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', v_role);
        END IF;
        EXECUTE format('GRANT %I TO authenticator', v_role);
    END LOOP;
END
$$;
