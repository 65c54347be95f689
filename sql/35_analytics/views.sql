-- Views for analysts, read from the run history ledgers and the counts
-- ledger (20_internals/history.sql, counts.sql), so that they answer fast
-- however many jobs there are. Durations are in seconds; percentiles come
-- from duration buckets and are within about 19% of the exact value.
-- Depends on: 20_internals, 30_views/jobs.sql.

CREATE OR REPLACE VIEW api.daily_job_stats WITH (security_invoker = TRUE) AS
-- The ledger is folded once; both summaries below read that one result.
WITH history AS MATERIALIZED (
    SELECT
        r.day,
        r.queue,
        r.name,
        r.status,
        r.bucket,
        r.jobs,
        r.queue_time_sum
    FROM jobs_internal.history_rows() AS r
),

buckets AS (
    SELECT
        h.day,
        h.queue,
        h.name,
        h.bucket,
        coalesce(sum(h.jobs) FILTER (WHERE h.status = 'completed'), 0)::bigint
            AS completed_jobs
    FROM history AS h
    GROUP BY h.day, h.queue, h.name, h.bucket
),

outcomes AS (
    SELECT
        h.day,
        h.queue,
        h.name,
        coalesce(sum(h.jobs) FILTER (
            WHERE h.status IN ('completed', 'failed', 'cancelled')
        ), 0) AS finished,
        sum(h.jobs) FILTER (WHERE h.status = 'completed') AS completed,
        sum(h.jobs) FILTER (WHERE h.status = 'failed') AS failed,
        sum(h.jobs) FILTER (WHERE h.status = 'cancelled') AS cancelled,
        sum(h.jobs) FILTER (WHERE h.status = 'scheduled') AS retried,
        sum(h.queue_time_sum) / nullif(sum(h.jobs) FILTER (
            WHERE h.queue_time_sum IS NOT NULL
        ), 0) AS mean_queue_time
    FROM history AS h
    GROUP BY h.day, h.queue, h.name
),

percentiles AS (
    SELECT
        b.day,
        b.queue,
        b.name,
        jobs_internal.bucket_percentile(
            array_agg(b.bucket), array_agg(b.completed_jobs), 0.5
        ) AS p50_duration,
        jobs_internal.bucket_percentile(
            array_agg(b.bucket), array_agg(b.completed_jobs), 0.95
        ) AS p95_duration
    FROM buckets AS b
    GROUP BY b.day, b.queue, b.name
)

SELECT
    o.day,
    o.queue,
    o.name,
    o.finished::bigint AS finished,
    p.p50_duration,
    p.p95_duration,
    coalesce(o.completed, 0)::bigint AS completed,
    coalesce(o.failed, 0)::bigint AS failed,
    coalesce(o.cancelled, 0)::bigint AS cancelled,
    round(
        coalesce(o.completed, 0)::numeric
        / nullif(coalesce(o.completed, 0) + coalesce(o.failed, 0), 0),
        4
    ) AS success_rate,
    round(o.mean_queue_time::numeric, 3) AS mean_queue_time,
    coalesce(o.retried, 0)::bigint AS retried
FROM outcomes AS o
INNER JOIN percentiles AS p
    ON o.day = p.day AND o.queue = p.queue AND o.name = p.name;

COMMENT ON VIEW api.daily_job_stats IS
$$Daily job statistics

Per day (UTC, of finishing), queue and job name: jobs finished, completed, failed and cancelled, attempts retried, success rate (completed over completed plus failed), p50 and p95 duration of completed jobs and mean queue time. Kept in a ledger as jobs finish, so it also covers jobs that retention has deleted. Example: GET /daily_job_stats?day=gte.2026-11-01&order=day.desc$$;
COMMENT ON COLUMN api.daily_job_stats.day IS 'Day the jobs finished (UTC).';
COMMENT ON COLUMN api.daily_job_stats.queue IS 'Queue.';
COMMENT ON COLUMN api.daily_job_stats.name IS 'Job name.';
COMMENT ON COLUMN api.daily_job_stats.finished IS 'Jobs finished that day.';
COMMENT ON COLUMN api.daily_job_stats.completed IS 'Of which completed.';
COMMENT ON COLUMN api.daily_job_stats.failed IS 'Of which failed for good.';
COMMENT ON COLUMN api.daily_job_stats.cancelled IS 'Of which cancelled.';
COMMENT ON COLUMN api.daily_job_stats.success_rate IS 'completed / (completed + failed), 0 to 1; null without either.';
COMMENT ON COLUMN api.daily_job_stats.p50_duration IS 'Median duration of completed jobs, seconds (from buckets).';
COMMENT ON COLUMN api.daily_job_stats.p95_duration IS '95th percentile duration of completed jobs, seconds (from buckets).';
COMMENT ON COLUMN api.daily_job_stats.mean_queue_time IS 'Mean seconds between run_at and start, of jobs that started.';
COMMENT ON COLUMN api.daily_job_stats.retried IS 'Attempts that failed (or lost their worker) and were scheduled to run again.';

CREATE OR REPLACE VIEW api.minute_job_stats WITH (security_invoker = TRUE) AS
WITH history AS MATERIALIZED (
    SELECT
        r.minute,
        r.queue,
        r.status,
        r.bucket,
        r.jobs,
        r.queue_time_sum
    FROM jobs_internal.minute_history_rows() AS r
),

percentiles AS (
    SELECT
        b.minute,
        b.queue,
        jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), 0.5)
            AS p50_duration,
        jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), 0.95)
            AS p95_duration
    FROM history AS b
    WHERE b.status = 'completed'
    GROUP BY b.minute, b.queue
)

SELECT
    h.minute,
    h.queue,
    coalesce(sum(h.jobs) FILTER (
        WHERE h.status IN ('completed', 'failed', 'cancelled')
    ), 0)::bigint AS finished,
    coalesce(sum(h.jobs) FILTER (WHERE h.status = 'completed'), 0)::bigint AS completed,
    coalesce(sum(h.jobs) FILTER (WHERE h.status = 'failed'), 0)::bigint AS failed,
    coalesce(sum(h.jobs) FILTER (WHERE h.status = 'cancelled'), 0)::bigint AS cancelled,
    coalesce(sum(h.jobs) FILTER (WHERE h.status = 'scheduled'), 0)::bigint AS retried,
    min(p.p50_duration) AS p50_duration,
    min(p.p95_duration) AS p95_duration,
    round((sum(h.queue_time_sum) / nullif(sum(h.jobs) FILTER (
        WHERE h.queue_time_sum IS NOT NULL
    ), 0))::numeric, 3) AS mean_queue_time
FROM history AS h
LEFT JOIN percentiles AS p ON h.minute = p.minute AND h.queue = p.queue
GROUP BY h.minute, h.queue;

COMMENT ON VIEW api.minute_job_stats IS
$$Job statistics per minute

Per minute (UTC, of finishing) and queue, over the last two hours: jobs finished, completed, failed and cancelled, attempts retried, p50 and p95 duration of completed jobs and mean queue time. Read from the run history ledger, so it costs the same however many jobs there are; minutes without finished jobs have no row. The dashboard's charts read it. Example: GET /minute_job_stats?minute=gte.2026-12-06T10:00:00Z&order=minute$$;
COMMENT ON COLUMN api.minute_job_stats.minute IS 'Minute the jobs finished (UTC).';
COMMENT ON COLUMN api.minute_job_stats.queue IS 'Queue.';
COMMENT ON COLUMN api.minute_job_stats.finished IS 'Jobs finished in that minute.';
COMMENT ON COLUMN api.minute_job_stats.completed IS 'Of which completed.';
COMMENT ON COLUMN api.minute_job_stats.failed IS 'Of which failed for good.';
COMMENT ON COLUMN api.minute_job_stats.cancelled IS 'Of which cancelled.';
COMMENT ON COLUMN api.minute_job_stats.retried IS 'Attempts that failed (or lost their worker) in that minute and were scheduled to run again.';
COMMENT ON COLUMN api.minute_job_stats.p50_duration IS 'Median duration of the jobs completed, seconds (from buckets).';
COMMENT ON COLUMN api.minute_job_stats.p95_duration IS '95th percentile duration of the jobs completed, seconds (from buckets).';
COMMENT ON COLUMN api.minute_job_stats.mean_queue_time IS 'Mean seconds between run_at and start, of the jobs finished.';

CREATE OR REPLACE VIEW api.duration_percentiles WITH (security_invoker = TRUE) AS
WITH buckets AS (
    SELECT
        h.queue,
        h.name,
        h.bucket,
        sum(h.jobs)::bigint AS jobs,
        sum(h.duration_sum) AS duration_sum
    FROM jobs_internal.history_rows() AS h
    WHERE h.status = 'completed'
    GROUP BY h.queue, h.name, h.bucket
)

SELECT
    b.queue,
    b.name,
    sum(b.jobs)::bigint AS runs,
    round((sum(b.duration_sum) / sum(b.jobs))::numeric, 3) AS mean_duration,
    jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), 0.5) AS p50,
    jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), 0.95) AS p95,
    jobs_internal.bucket_percentile(array_agg(b.bucket), array_agg(b.jobs), 0.99) AS p99
FROM buckets AS b
GROUP BY b.queue, b.name;

COMMENT ON VIEW api.duration_percentiles IS
$$Duration percentiles

Per queue and job name, over all completed runs on record: runs, mean, p50, p95 and p99 duration in seconds (percentiles from buckets).$$;
COMMENT ON COLUMN api.duration_percentiles.queue IS 'Queue.';
COMMENT ON COLUMN api.duration_percentiles.name IS 'Job name.';
COMMENT ON COLUMN api.duration_percentiles.runs IS 'Completed runs on record.';
COMMENT ON COLUMN api.duration_percentiles.mean_duration IS 'Mean duration, seconds.';
COMMENT ON COLUMN api.duration_percentiles.p50 IS 'Median duration, seconds.';
COMMENT ON COLUMN api.duration_percentiles.p95 IS '95th percentile duration, seconds.';
COMMENT ON COLUMN api.duration_percentiles.p99 IS '99th percentile duration, seconds.';

CREATE OR REPLACE VIEW api.latest_runs WITH (security_invoker = TRUE) AS
SELECT
    j.name,
    j.id AS job_id,
    j.queue,
    j.type,
    j.status,
    j.created_at,
    j.started_at,
    j.ended_at,
    round(extract(EPOCH FROM now() - coalesce(j.started_at, j.created_at)), 3)
        AS age
FROM jobs_internal.latest_job_ids() AS l
-- A job renamed since is the newest of its new name, not of this one.
INNER JOIN jobs.job AS j ON l.job_id = j.id AND l.name = j.name;

COMMENT ON VIEW api.latest_runs IS
$$Latest run per job name

The newest job of each name, with its status and age in seconds (since it started, or was submitted if it has not). Example: GET /latest_runs?status=eq.failed$$;
COMMENT ON COLUMN api.latest_runs.name IS 'Job name.';
COMMENT ON COLUMN api.latest_runs.job_id IS 'Its newest job.';
COMMENT ON COLUMN api.latest_runs.queue IS 'Queue of that job.';
COMMENT ON COLUMN api.latest_runs.type IS 'Type of that job.';
COMMENT ON COLUMN api.latest_runs.status IS 'Status of that job.';
COMMENT ON COLUMN api.latest_runs.created_at IS 'When it was submitted.';
COMMENT ON COLUMN api.latest_runs.started_at IS 'When it started.';
COMMENT ON COLUMN api.latest_runs.ended_at IS 'When it ended.';
COMMENT ON COLUMN api.latest_runs.age IS 'Seconds since it started (or was submitted).';

CREATE OR REPLACE VIEW api.long_running_jobs WITH (security_invoker = TRUE) AS
SELECT
    j.id,
    j.queue,
    j.name,
    j.worker,
    j.started_at,
    d.p95 AS usual_p95,
    d.runs AS past_runs,
    round(extract(EPOCH FROM now() - j.started_at), 3) AS running_for
FROM jobs.job AS j
INNER JOIN api.duration_percentiles AS d ON j.queue = d.queue AND j.name = d.name
WHERE
    j.status IN ('running', 'cancelling')
    AND extract(EPOCH FROM now() - j.started_at) > d.p95;

COMMENT ON VIEW api.long_running_jobs IS
$$Jobs running longer than usual

Running jobs whose time so far exceeds the p95 duration of the completed runs of the same queue and name.$$;
COMMENT ON COLUMN api.long_running_jobs.id IS 'Job id.';
COMMENT ON COLUMN api.long_running_jobs.queue IS 'Queue.';
COMMENT ON COLUMN api.long_running_jobs.name IS 'Job name.';
COMMENT ON COLUMN api.long_running_jobs.worker IS 'Worker running it.';
COMMENT ON COLUMN api.long_running_jobs.started_at IS 'When this attempt started.';
COMMENT ON COLUMN api.long_running_jobs.running_for IS 'Seconds so far.';
COMMENT ON COLUMN api.long_running_jobs.usual_p95 IS 'p95 duration of past completed runs, seconds.';
COMMENT ON COLUMN api.long_running_jobs.past_runs IS 'Completed runs that p95 is taken from.';

CREATE OR REPLACE VIEW api.queue_depth WITH (security_invoker = TRUE) AS
SELECT
    q.name AS queue,
    q.paused,
    d.oldest_run_at,
    (q.counts ->> 'queued')::bigint + (q.counts ->> 'paused')::bigint
    + d.due_scheduled AS waiting,
    (q.counts ->> 'scheduled')::bigint - d.due_scheduled AS scheduled,
    (q.counts ->> 'running')::bigint AS running,
    round(extract(EPOCH FROM now() - d.oldest_run_at), 3) AS latency
FROM api.queues AS q
-- Scheduled jobs already due wait too: a claim takes them, maintenance queues them.
CROSS JOIN LATERAL jobs_internal.queue_depth(q.name) AS d;

COMMENT ON VIEW api.queue_depth IS
$$Queue depth and latency now

Per queue: jobs waiting for a worker (queued, paused, or scheduled and already due), scheduled and not yet due, running, and how long the oldest waiting job has been due (latency, seconds).$$;
COMMENT ON COLUMN api.queue_depth.queue IS 'Queue.';
COMMENT ON COLUMN api.queue_depth.paused IS 'True when the queue hands out no jobs.';
COMMENT ON COLUMN api.queue_depth.waiting IS 'Jobs due and waiting for a worker (paused ones and due scheduled ones included).';
COMMENT ON COLUMN api.queue_depth.scheduled IS 'Jobs not due yet, or waiting for another job.';
COMMENT ON COLUMN api.queue_depth.running IS 'Jobs running.';
COMMENT ON COLUMN api.queue_depth.oldest_run_at IS 'run_at of the oldest waiting job.';
COMMENT ON COLUMN api.queue_depth.latency IS 'Seconds the oldest waiting job has been due.';
