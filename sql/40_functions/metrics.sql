-- GET /rpc/metrics: Prometheus's text exposition format, for a scraper with
-- a worker, admin or jobs_metrics token. It reads the ledgers (counts, run
-- history), a few index probes per queue and the worker and maintenance
-- rows, never the jobs themselves, so a scrape costs the same however many
-- jobs there are. SECURITY DEFINER, keeping to the caller's scope as the
-- ledger readers do: a worker token sees its own queues.
-- Depends on: 20_internals/counts.sql, 20_internals/history.sql,
-- 20_internals/depth.sql, 20_internals/workers.sql, 10_schemas.sql.

-- A label value as the format writes it: backslash, quote and newline escaped.
CREATE OR REPLACE FUNCTION jobs_internal.metric_label(value text)
RETURNS text
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT
        '"' || replace(replace(replace(value, E'\\', E'\\\\'), '"', E'\\"'), E'\n', E'\\n')
        || '"';
END;

-- One metric family: its HELP and TYPE lines, then its samples (each a
-- line without the newline), in order.
CREATE OR REPLACE FUNCTION jobs_internal.metric_family(
    name text, kind text, help text, samples text[]
)
RETURNS text
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT
        format(E'# HELP %s %s\n# TYPE %s %s\n', name, help, name, kind)
        || coalesce(string_agg(s.line || E'\n', '' ORDER BY s.n), '')
    FROM unnest(samples) WITH ORDINALITY AS s (line, n);
END;

-- The upper bounds (seconds) of the duration histogram's buckets.
CREATE OR REPLACE FUNCTION jobs_internal.metric_duration_bounds()
RETURNS double precision[]
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT ARRAY[
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
        600, 1800, 3600
    ]::double precision[];
END;

CREATE OR REPLACE FUNCTION api.metrics()
RETURNS api."*/*"  -- noqa: RF05
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_text text;
    v_scope record;
BEGIN
    SELECT s.* INTO v_scope FROM jobs_internal.caller_scope() AS s;
    WITH counts AS MATERIALIZED (
        SELECT c.queue, c.status, c.jobs FROM jobs_internal.queue_counts() AS c
    ),

    queues AS (
        -- The queues the caller sees: configured ones and those with jobs.
        SELECT q.name FROM jobs.queue AS q
        WHERE jobs_internal.in_scope(
            v_scope.everything, NULL, v_scope.queues, NULL, q.name
        )
        UNION
        SELECT c.queue FROM counts AS c
    ),

    statuses AS (
        SELECT e.status
        FROM unnest(enum_range(NULL::jobs.job_status)) AS e (status)
    ),

    history AS MATERIALIZED (
        SELECT
            h.queue,
            h.status,
            h.bucket,
            jobs_internal.bucket_seconds(h.bucket) AS bucket_seconds,
            sum(h.jobs) AS jobs,
            sum(h.duration_sum) AS seconds
        FROM jobs_internal.history_rows() AS h
        GROUP BY h.queue, h.status, h.bucket
    ),

    runs AS (
        -- Runs that ended after running (completed, or failed for good).
        SELECT h.queue, h.bucket_seconds, h.jobs, h.seconds
        FROM history AS h
        WHERE h.status IN ('completed', 'failed') AND h.bucket IS NOT NULL
    ),

    counters AS (
        -- Each counter, with a sample per queue (zero included).
        SELECT
            o.n,
            o.word,
            o.help,
            coalesce(array_agg(format(
                'jobsapi_jobs_%s_total{queue=%s} %s', o.word,
                jobs_internal.metric_label(t.queue), t.jobs
            ) ORDER BY t.queue) FILTER (WHERE t.queue IS NOT NULL), '{}') AS samples
        FROM (VALUES
            (1, 'completed', 'completed'::jobs.job_status,
             'Jobs completed (over the run history kept: history_days).'),
            (2, 'failed', 'failed', 'Jobs failed for good (over the run history kept).'),
            (3, 'cancelled', 'cancelled', 'Jobs cancelled (over the run history kept).'),
            (4, 'retried', 'scheduled',
             'Attempts that failed or lost their worker and were scheduled to run again'
             || ' (over the run history kept).')
        ) AS o (n, word, status, help)
        LEFT JOIN LATERAL (
            SELECT q.name AS queue, coalesce(sum(h.jobs), 0) AS jobs
            FROM queues AS q
            LEFT JOIN history AS h ON q.name = h.queue AND h.status = o.status
            GROUP BY q.name
        ) AS t ON TRUE
        GROUP BY o.n, o.word, o.help
    ),

    histogram AS (
        -- Per queue: the cumulative buckets, then +Inf, _sum and _count.
        SELECT
            q.name AS queue,
            b.n,
            format(
                'jobsapi_job_duration_seconds_bucket{queue=%s,le=%s} %s',
                jobs_internal.metric_label(q.name),
                jobs_internal.metric_label(b.bound::text),
                coalesce(sum(r.jobs) FILTER (WHERE r.bucket_seconds <= b.bound), 0)
            ) AS line
        FROM queues AS q
        CROSS JOIN unnest(jobs_internal.metric_duration_bounds()) WITH ORDINALITY AS b (bound, n)
        LEFT JOIN runs AS r ON q.name = r.queue
        GROUP BY q.name, b.n, b.bound
        UNION ALL
        SELECT
            q.name AS queue,
            1000 + l.k AS n,
            format(l.pattern, jobs_internal.metric_label(q.name), l.value) AS line
        FROM queues AS q
        CROSS JOIN LATERAL (
            SELECT
                coalesce(sum(r.jobs), 0) AS jobs,
                round(coalesce(sum(r.seconds), 0)::numeric, 3) AS seconds
            FROM runs AS r WHERE r.queue = q.name
        ) AS a
        CROSS JOIN LATERAL (VALUES
            (0, 'jobsapi_job_duration_seconds_bucket{queue=%s,le="+Inf"} %s', a.jobs::text),
            (1, 'jobsapi_job_duration_seconds_sum{queue=%s} %s', a.seconds::text),
            (2, 'jobsapi_job_duration_seconds_count{queue=%s} %s', a.jobs::text)
        ) AS l (k, pattern, value)
    ),

    workers AS (
        SELECT count(*) FILTER (
            WHERE jobs_internal.worker_is_active(w.last_seen, w.stopped_at)
        ) AS active
        FROM jobs.worker AS w
    )

    SELECT concat(
        jobs_internal.metric_family(
            'jobsapi_jobs', 'gauge', 'Jobs per queue and status now.',
            ARRAY(
                SELECT format(
                    'jobsapi_jobs{queue=%s,status=%s} %s',
                    jobs_internal.metric_label(q.name),
                    jobs_internal.metric_label(s.status::text),
                    coalesce(c.jobs, 0)
                )
                FROM queues AS q
                CROSS JOIN statuses AS s
                LEFT JOIN counts AS c ON q.name = c.queue AND s.status = c.status
                ORDER BY q.name, s.status
            )
        ),
        jobs_internal.metric_family(
            'jobsapi_queue_paused', 'gauge', '1 when the queue hands out no jobs.',
            ARRAY(
                SELECT format(
                    'jobsapi_queue_paused{queue=%s} %s',
                    jobs_internal.metric_label(q.name),
                    coalesce(p.paused::int, 0)
                )
                FROM queues AS q
                LEFT JOIN jobs.queue AS p ON q.name = p.name
                ORDER BY q.name
            )
        ),
        jobs_internal.metric_family(
            'jobsapi_oldest_due_job_age_seconds', 'gauge',
            'How long the oldest job that waits for a worker has been due (0 when none waits).',
            ARRAY(
                SELECT format(
                    'jobsapi_oldest_due_job_age_seconds{queue=%s} %s',
                    jobs_internal.metric_label(q.name),
                    round(greatest(
                        coalesce(extract(EPOCH FROM now() - d.oldest_run_at), 0), 0
                    ), 3)
                )
                FROM queues AS q
                CROSS JOIN LATERAL jobs_internal.queue_depth(q.name) AS d
                ORDER BY q.name
            )
        ),
        (
            SELECT string_agg(jobs_internal.metric_family(
                format('jobsapi_jobs_%s_total', c.word), 'counter', c.help, c.samples
            ), '' ORDER BY c.n)
            FROM counters AS c
        ),
        jobs_internal.metric_family(
            'jobsapi_job_duration_seconds', 'histogram',
            'Run time of jobs that completed or failed for good, from the run history''s'
            || ' duration buckets (each within 19% of the exact value).',
            ARRAY(SELECT h.line FROM histogram AS h ORDER BY h.queue, h.n)
        ),
        jobs_internal.metric_family(
            'jobsapi_workers_active', 'gauge',
            'Workers seen in the last 5 minutes and not stopped.',
            ARRAY(SELECT format('jobsapi_workers_active %s', w.active) FROM workers AS w)
        ),
        jobs_internal.metric_family(
            'jobsapi_maintenance_last_run_timestamp_seconds', 'gauge',
            'When maintenance last finished a run (Unix time; 0 if it never ran).',
            ARRAY(
                SELECT format(
                    'jobsapi_maintenance_last_run_timestamp_seconds %s',
                    round(coalesce(extract(EPOCH FROM m.finished_at), 0), 3)
                )
                FROM jobs.maintenance AS m
            )
        ),
        jobs_internal.metric_family(
            'jobsapi_maintenance_last_run_duration_seconds', 'gauge',
            'How long the last maintenance run took.',
            ARRAY(
                SELECT format(
                    'jobsapi_maintenance_last_run_duration_seconds %s',
                    round(coalesce((m.result ->> 'duration_ms')::numeric / 1000, 0), 3)
                )
                FROM jobs.maintenance AS m
            )
        )
    ) INTO v_text;
    PERFORM set_config(
        'response.headers',
        '[{"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}]',
        TRUE
    );
    RETURN convert_to(v_text, 'UTF8');
END;
$$;

COMMENT ON FUNCTION api.metrics() IS
$$Prometheus metrics

The text exposition format of Prometheus, per queue: jobs per status (jobsapi_jobs), paused, the age of the oldest due job, counters of jobs completed, failed, cancelled and retried (over the run history kept), a histogram of run durations; and active workers and when maintenance last ran. Reads the ledgers, never the jobs table. For a worker, admin or jobs_metrics token; a worker token sees its own queues. GET /rpc/metrics$$;
