-- The run history behind the analyst views: the jobs.job_history and
-- jobs.name_latest ledgers (see the migrations), their buckets, folding,
-- retention and readers. after_statement.sql appends to them. SECURITY DEFINER readers:
-- callers read the views, never the ledgers directly, and the readers keep
-- to the caller's scope.
-- Depends on: migrations.

-- Duration bucket b holds durations from 2^(b/4) ms up to 2^((b+1)/4) ms.
CREATE OR REPLACE FUNCTION jobs_internal.duration_bucket(seconds double precision)
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
CREATE OR REPLACE FUNCTION jobs_internal.bucket_seconds(bucket smallint)
RETURNS double precision
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT round((power(2, (bucket + 0.5) / 4.0) / 1000)::numeric, 3)::double precision;
END;

-- The p-quantile (0-1) of durations counted per bucket: the first bucket
-- whose running count reaches p of the total. Within a bucket's width
-- (about 19%) of the exact value.
CREATE OR REPLACE FUNCTION jobs_internal.bucket_percentile(
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

-- Fold the rows appended since the last fold into the folded ones, as
-- fold_queue_counts does (counts.sql); answers how many rows were folded.
-- Called by maintenance only.
CREATE OR REPLACE FUNCTION jobs_internal.fold_history()
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_history bigint;
    v_latest bigint;
BEGIN
    WITH appended AS (
        DELETE FROM jobs.job_history AS h WHERE NOT h.folded
        RETURNING
            h.day, h.queue, h.owner, h.name, h.status, h.bucket, h.jobs,
            h.duration_sum, h.queue_time_sum
    ),

    summed AS (
        SELECT
            a.day, a.queue, a.owner, a.name, a.status, a.bucket,
            sum(a.jobs) AS jobs,
            sum(a.duration_sum) AS duration_sum,
            sum(a.queue_time_sum) AS queue_time_sum,
            count(*) AS rows_folded
        FROM appended AS a
        GROUP BY a.day, a.queue, a.owner, a.name, a.status, a.bucket
    ),

    merged AS (
        INSERT INTO jobs.job_history AS h (
            day, queue, owner, name, status, bucket, jobs, duration_sum,
            queue_time_sum, folded
        )
        SELECT
            s.day, s.queue, s.owner, s.name, s.status, s.bucket, s.jobs,
            s.duration_sum, s.queue_time_sum, TRUE
        FROM summed AS s
        ON CONFLICT (day, queue, owner, name, status, bucket) WHERE folded
        DO UPDATE SET
            jobs = h.jobs + excluded.jobs,
            duration_sum = h.duration_sum + excluded.duration_sum,
            queue_time_sum = h.queue_time_sum + excluded.queue_time_sum
    )

    SELECT coalesce(sum(s.rows_folded), 0) INTO v_history FROM summed AS s;

    WITH appended AS (
        DELETE FROM jobs.name_latest AS l WHERE NOT l.folded
        RETURNING l.name, l.owner, l.queue, l.job_id
    ),

    summed AS (
        SELECT a.name, a.owner, a.queue, max(a.job_id) AS job_id, count(*) AS rows_folded
        FROM appended AS a
        GROUP BY a.name, a.owner, a.queue
    ),

    merged AS (
        INSERT INTO jobs.name_latest AS l (name, owner, queue, job_id, folded)
        SELECT s.name, s.owner, s.queue, s.job_id, TRUE
        FROM summed AS s
        ON CONFLICT (name, owner, queue) WHERE folded
        DO UPDATE SET job_id = greatest(l.job_id, excluded.job_id)
    )

    SELECT coalesce(sum(s.rows_folded), 0) INTO v_latest FROM summed AS s;
    RETURN v_history + v_latest;
END;
$$;

-- The run history has its own retention: days older than
-- jobs.maintenance.history_days go. Answers how many rows were deleted.
CREATE OR REPLACE FUNCTION jobs_internal.prune_history()
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_deleted bigint;
BEGIN
    DELETE FROM jobs.job_history AS h
    USING jobs.maintenance AS m
    WHERE h.day < (now() AT TIME ZONE 'UTC')::date - m.history_days;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END;
$$;

-- Finished jobs per day, queue, name, status and duration bucket, of the
-- jobs in the caller's scope (callers.sql).
CREATE OR REPLACE FUNCTION jobs_internal.history_rows()
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
CREATE OR REPLACE FUNCTION jobs_internal.latest_job_ids()
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
