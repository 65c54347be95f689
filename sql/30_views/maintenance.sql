-- api.maintenance: who runs maintenance here, when it last ran and what it
-- did; admins set how long the run history is kept. Depends on:
-- 20_internals/maintenance.sql.

CREATE OR REPLACE VIEW api.maintenance WITH (security_invoker = TRUE) AS
SELECT
    m.started_at AS last_started_at,
    m.finished_at AS last_finished_at,
    m.result AS last_result,
    m.runs,
    m.history_days,
    jobs_internal.maintenance_mode() AS mode
FROM jobs.maintenance AS m;

COMMENT ON VIEW api.maintenance IS
$$Maintenance

One row: who runs maintenance (run_maintenance) here, when it last ran and what it did. Admins may PATCH history_days.$$;
COMMENT ON COLUMN api.maintenance.mode IS 'pg_cron: pg_cron runs it every minute in this database; workers: jobsapi worker runs it at most once a minute across all workers, and jobsapi maintain from a shell or a system cron.';
COMMENT ON COLUMN api.maintenance.last_started_at IS 'When the last run started; null if it never ran.';
COMMENT ON COLUMN api.maintenance.last_finished_at IS 'When the last run ended.';
COMMENT ON COLUMN api.maintenance.last_result IS 'What the last run did, as run_maintenance answered it.';
COMMENT ON COLUMN api.maintenance.runs IS 'Runs so far.';
COMMENT ON COLUMN api.maintenance.history_days IS 'Days of run history (daily_job_stats, duration_percentiles) kept, 1 to 36500 (default 400).';
