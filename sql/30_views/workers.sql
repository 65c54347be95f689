-- api.workers: registered workers and when each was last seen.
-- Depends on: migrations.

CREATE OR REPLACE VIEW api.workers WITH (security_invoker = TRUE) AS
-- The running jobs are read once for all workers (job_lease_idx), not once
-- per worker.
WITH h AS (
    SELECT
        j.worker,
        count(*) AS running_jobs
    FROM jobs.job AS j
    WHERE j.status IN ('running', 'cancelling')
    GROUP BY j.worker
)

SELECT
    w.name,
    w.queues,
    w.first_seen,
    w.last_seen,
    w.stopped_at,
    jobs_internal.worker_is_active(w.last_seen, w.stopped_at) AS active,
    coalesce(h.running_jobs, 0) AS running_jobs
FROM jobs.worker AS w
LEFT JOIN h ON w.name = h.worker;

COMMENT ON VIEW api.workers IS
$$Workers

A worker registers on its first claim or heartbeat and is seen on each one after. It is active until it stops (stop_worker) or goes silent for 5 minutes, the default lease.$$;
COMMENT ON COLUMN api.workers.name IS 'Worker name, as given to claim_jobs.';
COMMENT ON COLUMN api.workers.queues IS 'Queues it last claimed from (null: all).';
COMMENT ON COLUMN api.workers.first_seen IS 'First claim or heartbeat.';
COMMENT ON COLUMN api.workers.last_seen IS 'Latest claim or heartbeat.';
COMMENT ON COLUMN api.workers.stopped_at IS 'When it said it stopped; cleared when it is seen again.';
COMMENT ON COLUMN api.workers.active IS 'Seen in the last 5 minutes and not stopped.';
COMMENT ON COLUMN api.workers.running_jobs IS 'Jobs it holds now.';
