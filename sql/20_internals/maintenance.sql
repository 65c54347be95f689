-- Who runs maintenance (api.run_maintenance) here. Depends on: migrations.

-- 'pg_cron' when pg_cron's job jobsapi-maintenance is scheduled and active
-- in this database (sql/96_maintenance_schedule.sql), else 'workers':
-- `jobsapi worker` runs it at most once a minute across all workers, and
-- `jobsapi maintain` runs it from a shell or a system cron. SECURITY
-- DEFINER: cron.job shows each role only its own jobs.
CREATE OR REPLACE FUNCTION jobs_internal.maintenance_mode()
RETURNS text
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF to_regclass('cron.job') IS NOT NULL THEN
        IF EXISTS (
            SELECT FROM cron.job AS c
            WHERE
                c.jobname = 'jobsapi-maintenance' AND c.active
                AND c.database = current_database()
        ) THEN
            RETURN 'pg_cron';
        END IF;
    END IF;
    RETURN 'workers';
END;
$$;

COMMENT ON FUNCTION jobs_internal.maintenance_mode() IS
'pg_cron when pg_cron''s active job jobsapi-maintenance runs api.run_maintenance() in this database, else workers (jobsapi worker and jobsapi maintain run it).';
