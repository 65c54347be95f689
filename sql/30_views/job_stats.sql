-- api.job_stats: one row of totals, from the counts ledger and the
-- workers, never from scanning jobs. Depends on: 20_internals.

CREATE OR REPLACE VIEW api.job_stats WITH (security_invoker = TRUE) AS
WITH totals AS (
    SELECT
        coalesce(sum(n.jobs), 0)::bigint AS total_jobs,
        coalesce(sum(n.jobs) FILTER (WHERE n.status = 'scheduled'), 0)::bigint AS scheduled,
        coalesce(sum(n.jobs) FILTER (WHERE n.status = 'queued'), 0)::bigint AS queued,
        coalesce(sum(n.jobs) FILTER (WHERE n.status = 'running'), 0)::bigint AS running,
        coalesce(sum(n.jobs) FILTER (WHERE n.status = 'completed'), 0)::bigint AS completed,
        coalesce(sum(n.jobs) FILTER (WHERE n.status = 'failed'), 0)::bigint AS failed,
        coalesce(sum(n.jobs) FILTER (WHERE n.status = 'cancelling'), 0)::bigint AS cancelling,
        coalesce(sum(n.jobs) FILTER (WHERE n.status = 'cancelled'), 0)::bigint AS cancelled
    FROM jobs_internal.queue_counts() AS n
),

seen AS (
    SELECT
        count(*) FILTER (
            WHERE jobs_internal.worker_is_active(w.last_seen, w.stopped_at)
        ) AS active_workers,
        count(*) AS total_workers
    FROM jobs.worker AS w
)

SELECT
    t.total_jobs,
    t.scheduled,
    t.queued,
    t.running,
    t.completed,
    t.failed,
    t.cancelling,
    t.cancelled,
    s.active_workers,
    s.total_workers
FROM totals AS t
CROSS JOIN seen AS s;

COMMENT ON VIEW api.job_stats IS
$$Job statistics

One row: jobs in total and per status, and workers active and known. Read from the counts ledger: cheap however many jobs there are.$$;
COMMENT ON COLUMN api.job_stats.total_jobs IS 'Jobs in the table.';
COMMENT ON COLUMN api.job_stats.scheduled IS 'Jobs waiting for their time or for another job.';
COMMENT ON COLUMN api.job_stats.queued IS 'Jobs due, waiting for a worker (paused queues included).';
COMMENT ON COLUMN api.job_stats.running IS 'Jobs a worker holds.';
COMMENT ON COLUMN api.job_stats.completed IS 'Jobs completed.';
COMMENT ON COLUMN api.job_stats.failed IS 'Jobs failed for good.';
COMMENT ON COLUMN api.job_stats.cancelling IS 'Jobs asked to cancel while running.';
COMMENT ON COLUMN api.job_stats.cancelled IS 'Jobs cancelled.';
COMMENT ON COLUMN api.job_stats.active_workers IS 'Workers seen in the last 5 minutes and not stopped.';
COMMENT ON COLUMN api.job_stats.total_workers IS 'Workers ever registered.';
