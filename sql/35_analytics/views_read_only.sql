-- The summary views are read-only. PostgreSQL refuses a write to a view it
-- cannot update before it checks privileges, which PostgREST reports as a
-- 500. An INSTEAD OF trigger makes the write reach the privilege check,
-- which answers 401 or 403 as for any other route. No role may write to
-- these views, so the trigger only runs for a role given a grant by
-- mistake: it refuses with 405.
-- Depends on: views.sql, 30_views/job_stats.sql, 30_views/workers.sql.

CREATE OR REPLACE FUNCTION jobs_internal.tg_read_only_view()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION '% is read-only', TG_TABLE_NAME USING ERRCODE = 'PT405';
END;
$$;

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.job_stats
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.daily_job_stats
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.minute_job_stats
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.duration_percentiles
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.latest_runs
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.long_running_jobs
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.workers
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();

CREATE OR REPLACE TRIGGER read_only
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.queue_depth
FOR EACH ROW EXECUTE FUNCTION jobs_internal.tg_read_only_view();
