-- The run history behind the analyst views: the jobs.job_history and
-- jobs.name_latest ledgers (see the migration), their buckets, folding and
-- readers. after_statement.sql appends to them. SECURITY DEFINER readers:
-- callers read the views, never the ledgers directly, and the readers keep
-- to the caller's scope.
-- Depends on: migrations.

-- Duration bucket b holds durations from 2^(b/4) ms up to 2^((b+1)/4) ms.
CREATE FUNCTION jobs_internal.duration_bucket(seconds double precision)
RETURNS smallint
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    -- Float logarithms: numeric ones cost more than the rest of the trigger.
    SELECT least(
        127, greatest(0, floor(4 * ln(greatest(seconds, 0.001) * 1000) / ln(2)))
    )::smallint;
END;

-- A bucket's representative duration: its geometric middle, in seconds.
CREATE FUNCTION jobs_internal.bucket_seconds(bucket smallint)
RETURNS double precision
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT round((power(2, (bucket + 0.5) / 4.0) / 1000)::numeric, 3)::double precision;
END;

-- The p-quantile (0-1) of durations counted per bucket: the first bucket
-- whose running count reaches p of the total. Within a bucket's width
-- (about 19%) of the exact value.
CREATE FUNCTION jobs_internal.bucket_percentile(
    buckets smallint[], counts bigint[], p double precision
)
RETURNS double precision
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT jobs_internal.bucket_seconds(h.bucket)
    FROM (
        SELECT
            u.bucket,
            sum(u.jobs) OVER (ORDER BY u.bucket) AS running,
            sum(u.jobs) OVER () AS total
        FROM unnest(buckets, counts) AS u (bucket, jobs)
        WHERE u.bucket IS NOT NULL
    ) AS h
    WHERE h.running >= $3 * h.total
    ORDER BY h.bucket
    LIMIT 1;
END;

-- Fold both ledgers; one caller at a time, rows still in flight stay.
CREATE FUNCTION jobs_internal.compact_history()
RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(
        'jobs.job_history'::regclass::oid::bigint
    ) THEN
        RETURN;
    END IF;
    WITH folded AS (
        DELETE FROM jobs.job_history
        RETURNING
            day, queue, owner, name, status, bucket, jobs, duration_sum,
            queue_time_sum
    )
    INSERT INTO jobs.job_history (
        day, queue, owner, name, status, bucket, jobs, duration_sum,
        queue_time_sum
    )
    SELECT
        f.day, f.queue, f.owner, f.name, f.status, f.bucket, sum(f.jobs),
        sum(f.duration_sum), sum(f.queue_time_sum)
    FROM folded AS f
    GROUP BY f.day, f.queue, f.owner, f.name, f.status, f.bucket;

    WITH folded AS (
        DELETE FROM jobs.name_latest RETURNING name, owner, queue, job_id
    )
    INSERT INTO jobs.name_latest (name, owner, queue, job_id)
    SELECT f.name, f.owner, f.queue, max(f.job_id)
    FROM folded AS f
    GROUP BY f.name, f.owner, f.queue;
END;
$$;

-- Finished jobs per day, queue, name, status and duration bucket, of the
-- jobs in the caller's scope (callers.sql).
CREATE FUNCTION jobs_internal.history_rows()
RETURNS TABLE (
    day date,
    queue text,
    name text,
    status jobs.job_status,
    bucket smallint,
    jobs bigint,
    duration_sum double precision,
    queue_time_sum double precision
)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT
        h.day,
        h.queue,
        h.name,
        h.status,
        h.bucket,
        sum(h.jobs)::bigint AS jobs,
        sum(h.duration_sum) AS duration_sum,
        sum(h.queue_time_sum) AS queue_time_sum
    FROM jobs.job_history AS h
    CROSS JOIN jobs_internal.caller_scope() AS s
    WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, h.owner, h.queue)
    GROUP BY h.day, h.queue, h.name, h.status, h.bucket;
END;

-- The newest job id of each name, among the jobs in the caller's scope.
CREATE FUNCTION jobs_internal.latest_job_ids()
RETURNS TABLE (name text, job_id bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT
        n.name,
        max(n.job_id) AS job_id
    FROM jobs.name_latest AS n
    CROSS JOIN jobs_internal.caller_scope() AS s
    WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, n.owner, n.queue)
    GROUP BY n.name;
END;
