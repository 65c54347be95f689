-- Who runs maintenance (api.run_maintenance): pg_cron, every minute, where
-- this server loads it for this database (shared_preload_libraries =
-- pg_cron and cron.database_name naming this database, as `jobsapi up` and
-- the test cluster start it); else jobsapi workers and `jobsapi maintain`.
-- The deploy says which with a NOTICE. A job jobsapi-maintenance that
-- exists already is left as it is, so that one turned off
-- (cron.alter_job(jobid, active := false)) stays off.
-- Depends on: 40_functions/run_maintenance.sql.
DO $$
BEGIN
    IF current_setting('cron.database_name', TRUE) IS DISTINCT FROM current_database() THEN
        RAISE NOTICE 'maintenance: workers (pg_cron is not loaded for this database); jobsapi workers run it at most once a minute, or run jobsapi maintain';
        RETURN;
    END IF;
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_cron;
    EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
        RAISE NOTICE 'maintenance: workers (pg_cron could not be created here: %); jobsapi workers run it at most once a minute, or run jobsapi maintain', SQLERRM;
        RETURN;
    END;
    IF NOT EXISTS (SELECT FROM cron.job AS c WHERE c.jobname = 'jobsapi-maintenance') THEN
        PERFORM cron.schedule(
            'jobsapi-maintenance', '* * * * *', 'SELECT api.run_maintenance()'
        );
    END IF;
    RAISE NOTICE 'maintenance: %', CASE jobs_internal.maintenance_mode()
        WHEN 'pg_cron' THEN 'pg_cron runs api.run_maintenance() every minute (job jobsapi-maintenance)'
        ELSE 'workers (the pg_cron job jobsapi-maintenance is turned off); jobsapi workers run it at most once a minute, or run jobsapi maintain'
    END;
END
$$;
