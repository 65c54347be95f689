-- Every grant in one reviewable place. The api views are security_invoker,
-- so a role needs the privilege on the view and on the table under it.
-- anon gets nothing but the schema: PostgREST answers 401 without a token.
-- A route a role may not use answers 403; a row outside its scope is
-- invisible (row level security, sql/50_policies/).
-- Depends on: everything above.

GRANT USAGE ON SCHEMA api TO anon, jobs_user, jobs_worker, jobs_admin, jobs_metrics;
GRANT USAGE ON SCHEMA jobs, jobs_internal TO jobs_user, jobs_worker, jobs_admin;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA api FROM public;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA jobs_internal FROM public;
-- jobs_internal: what each api role runs as itself (its invoker functions
-- and their helpers, the views, the policies, the triggers' conditions and
-- bodies), and nothing else: not the housekeeping that maintenance runs as
-- its owner (the folds, promote_due_jobs, fire_due_schedules,
-- rebuild_queue_counts), so that a direct login cannot start a piece of it.
-- Trigger functions need no grant: they are not checked when they fire.
GRANT EXECUTE ON FUNCTION
jobs_internal.assert_held(bigint, text),
jobs_internal.assert_locks_held(bigint, text[]),
jobs_internal.backoff(integer, integer, integer),
jobs_internal.bucket_percentile(smallint[], bigint[], double precision),
jobs_internal.bucket_seconds(smallint),
jobs_internal.caller_role(),
jobs_internal.caller_scope(),
jobs_internal.check_time_zone(text),
jobs_internal.check_token(),
jobs_internal.claimable_queues(text[]),
jobs_internal.cron_field(text, integer, text),
jobs_internal.cron_next(text, text, timestamptz),
jobs_internal.cron_parse(text),
jobs_internal.current_actor(),
jobs_internal.error_entry(integer, text, text),
jobs_internal.escape_for_message(text, integer),
jobs_internal.escape_list_for_message(text[], integer),
jobs_internal.etl_status(jobs.job_status),
jobs_internal.get_job_in_scope(bigint),
jobs_internal.history_rows(),
jobs_internal.queue_depth(text),
jobs_internal.history_minutes_kept(),
jobs_internal.minute_history_rows(),
jobs_internal.in_scope(boolean, text, text[], text, text),
jobs_internal.is_finished(jobs.job_status),
jobs_internal.is_retriable(jobs.job_status, integer),
jobs_internal.is_schedule_owner(text, text),
jobs_internal.job_status_of_etl(text),
jobs_internal.jwt_claims(),
jobs_internal.latest_job_ids(),
jobs_internal.lock_is_taken(text),
jobs_internal.login_queues(),
jobs_internal.maintenance_mode(),
jobs_internal.max_batch_jobs(),
jobs_internal.max_json_depth(),
jobs_internal.notify_enabled(),
jobs_internal.queue_counts(),
jobs_internal.retention_keeps(bigint, text, text, jobs.job_status, timestamptz),
jobs_internal.seconds_to_next_due(text[]),
jobs_internal.transition_allowed(jobs.job_status, jobs.job_status),
jobs_internal.unfinished_descendant(bigint),
jobs_internal.worker_is_active(timestamptz, timestamptz),
jobs_internal.worker_queues()
TO jobs_user, jobs_worker, jobs_admin;
-- What a heartbeat runs (claim_jobs and the other reports run as their
-- owner).
GRANT EXECUTE ON FUNCTION jobs_internal.see_worker(text, text[]) TO jobs_worker, jobs_admin;
-- What run_schedule runs.
GRANT EXECUTE ON FUNCTION jobs_internal.fire_schedule(text, timestamptz) TO jobs_admin;

-- PostgREST runs the pre-request check as anon and jobs_metrics too; it
-- reveals nothing.
GRANT USAGE ON SCHEMA jobs_internal TO anon, jobs_metrics;
GRANT EXECUTE ON FUNCTION
jobs_internal.check_token(),
jobs_internal.jwt_claims(),
jobs_internal.caller_role()
TO anon, jobs_metrics;
-- (and whoami, which a metrics token may ask too)
GRANT EXECUTE ON FUNCTION
jobs_internal.caller_scope(),
jobs_internal.current_actor(),
jobs_internal.worker_queues(),
jobs_internal.login_queues()
TO jobs_metrics;

-- Tables under the views: no more than the view over each grants, column
-- by column (tests/test_direct_sql_grants.py), so that a direct database
-- login can do no more than the same role over HTTP.
-- Users: the columns api.jobs lets them write, no more; a status, lineage,
-- result or counters change goes through cancel_job, retry_job or the
-- etl_jobs view, which check the caller's scope themselves. Workers read:
-- claims and reports are SECURITY DEFINER functions that keep to the
-- worker's queues, and so are the lock and worker-list functions.
GRANT SELECT, DELETE ON jobs.job TO jobs_user;
GRANT INSERT (
    queue, name, type, status, priority, payload, meta, run_at,
    expires_at, max_attempts, message, locks, after_job_id, owner
) ON jobs.job TO jobs_user;
GRANT UPDATE (
    name, priority, payload, meta, run_at, expires_at, max_attempts, message
) ON jobs.job TO jobs_user;
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.job TO jobs_admin;
GRANT SELECT ON jobs.job TO jobs_worker;
GRANT USAGE ON SEQUENCE jobs.job_id_seq TO jobs_user, jobs_admin;
GRANT SELECT ON jobs.job_event TO jobs_user, jobs_worker, jobs_admin;
GRANT SELECT ON jobs.queue TO jobs_user, jobs_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.queue TO jobs_admin;
GRANT SELECT ON jobs.job_lock TO jobs_user, jobs_worker;
GRANT SELECT, DELETE ON jobs.job_lock TO jobs_admin;
GRANT SELECT, INSERT ON jobs.job_file TO jobs_user, jobs_worker;
GRANT SELECT ON jobs.worker TO jobs_user, jobs_worker, jobs_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.job_file TO jobs_admin;

-- jobs: users submit, adjust and cancel (cancel_job); workers report
-- through the functions; admins manage everything, status included. Which
-- rows each role reaches is the row level security of 50_policies/. A
-- user's body may name an owner; the job is the user's all the same
-- (20_internals/owner.sql).
GRANT SELECT, DELETE ON api.jobs TO jobs_user;
GRANT INSERT (
    queue, name, type, status, priority, payload, meta, run_at,
    expires_at, max_attempts, message, locks, after_job_id, owner
) ON api.jobs TO jobs_user;
GRANT UPDATE (
    name, priority, payload, meta, run_at, expires_at, max_attempts, message
) ON api.jobs TO jobs_user;
GRANT SELECT ON api.jobs TO jobs_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON api.jobs TO jobs_admin;

GRANT SELECT ON api.job_events TO jobs_user, jobs_worker, jobs_admin;
GRANT SELECT ON api.queues TO jobs_user, jobs_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON api.queues TO jobs_admin;
GRANT SELECT ON api.job_locks TO jobs_user, jobs_worker;
GRANT SELECT, DELETE ON api.job_locks TO jobs_admin;
GRANT SELECT, INSERT ON api.job_files TO jobs_user, jobs_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON api.job_files TO jobs_admin;
GRANT USAGE ON SEQUENCE jobs.job_file_id_seq TO jobs_user, jobs_worker, jobs_admin;

GRANT EXECUTE ON FUNCTION
api.events(api.jobs),
api.queue_time(api.jobs),
api.duration(api.jobs),
api.estimated_remaining(api.jobs),
api.retriable(api.jobs),
api.totals(api.jobs),
api.retries(api.jobs),
api.files(api.jobs)
TO jobs_user, jobs_worker, jobs_admin;
GRANT EXECUTE ON FUNCTION
api.cancel_job(bigint),
api.retry_job(bigint),
api.retry_failed_retries(bigint)
TO jobs_user, jobs_admin;
GRANT EXECUTE ON FUNCTION
api.acquire_lock(text, bigint),
api.release_lock(text)
TO jobs_user, jobs_worker, jobs_admin;
GRANT EXECUTE ON FUNCTION api.queue_jobs(text, text, integer, integer)
TO jobs_user, jobs_worker, jobs_admin;
GRANT EXECUTE ON FUNCTION
api.prune_jobs(integer),
api.cleanup_jobs(integer)
TO jobs_admin;
GRANT EXECUTE ON FUNCTION api.last_success(text)
TO jobs_user, jobs_worker, jobs_admin;
GRANT EXECUTE ON FUNCTION api.stop_worker(text) TO jobs_worker, jobs_admin;
-- The dashboard's files are open to anyone, as a web page is: a browser
-- sends no token when it opens one (40_functions/dashboard.sql).
GRANT EXECUTE ON FUNCTION api.dashboard(), api.dashboard_file(text)
TO anon, jobs_user, jobs_worker, jobs_admin, jobs_metrics;
GRANT EXECUTE ON FUNCTION api.whoami() TO jobs_user, jobs_worker, jobs_admin, jobs_metrics;
-- Prometheus scrapes: workers, admins, and the jobs_metrics role, which
-- may do nothing else.
GRANT EXECUTE ON FUNCTION api.metrics() TO jobs_worker, jobs_admin, jobs_metrics;

-- Monitoring and the ETL run log.
GRANT SELECT ON api.workers, api.job_stats TO jobs_user, jobs_worker, jobs_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON api.etl_jobs TO jobs_user, jobs_admin;
GRANT SELECT ON
api.daily_job_stats,
api.minute_job_stats,
api.duration_percentiles,
api.latest_runs,
api.long_running_jobs,
api.queue_depth
TO jobs_user, jobs_worker, jobs_admin;
GRANT EXECUTE ON FUNCTION
api.claim_jobs(text[], text, integer, integer, numeric),
api.heartbeat(bigint, text, integer, text, jsonb, integer, jsonb),
api.heartbeat_jobs(jsonb, text, integer),
api.complete_jobs(jsonb, text),
api.complete_job(bigint, text, jsonb, integer, integer, integer, text),
api.fail_jobs(jsonb, text),
api.fail_job(bigint, text, text, text, boolean),
api.reap_expired_leases()
TO jobs_worker, jobs_admin;

-- Maintenance and recurring schedules: workers may run maintenance (it
-- only does the housekeeping that admins configured) and ask when their
-- next job is due; schedules are admins' alone.
GRANT SELECT (started_at, finished_at, result, runs, history_days) ON jobs.maintenance
TO jobs_user, jobs_worker, jobs_admin;
GRANT SELECT ON api.maintenance TO jobs_user, jobs_worker, jobs_admin;
GRANT UPDATE (history_days) ON jobs.maintenance, api.maintenance TO jobs_admin;
GRANT SELECT, DELETE ON jobs.schedule, api.schedules TO jobs_admin;
GRANT INSERT (
    name, cron, time_zone, queue, job_name, payload, priority, meta, locks,
    max_attempts, enabled, on_missed, owner
) ON jobs.schedule, api.schedules TO jobs_admin;
GRANT UPDATE (
    cron, time_zone, queue, job_name, payload, priority, meta, locks,
    max_attempts, enabled, on_missed, owner
) ON jobs.schedule, api.schedules TO jobs_admin;
GRANT EXECUTE ON FUNCTION
api.run_maintenance(integer, boolean),
api.next_due(text[])
TO jobs_worker, jobs_admin;
GRANT EXECUTE ON FUNCTION api.run_schedule(text) TO jobs_admin;
-- The queue scope of workers' direct database logins: admins' alone.
GRANT SELECT, INSERT, UPDATE, DELETE ON jobs.worker_login, api.worker_logins TO jobs_admin;

-- PostgREST reloads its schema cache after each deploy.
NOTIFY pgrst, 'reload schema';
