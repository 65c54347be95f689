-- The run history behind the analyst views: the jobs.job_history and
-- jobs.name_latest ledgers (see the migrations), their buckets, folding,
-- retention and readers; the triggers at the end append to them. SECURITY DEFINER readers:
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
    -- (none counted: no percentile)
    WHERE h.running >= $3 * h.total AND h.total > 0
    ORDER BY h.bucket
    LIMIT 1;
END;

-- How long the run history keeps its minutes: rows older than this are
-- folded into their day (minute null). The dashboard's charts and the
-- metrics read the minutes; the daily views read both.
CREATE OR REPLACE FUNCTION jobs_internal.history_minutes_kept()
RETURNS interval
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT interval '2 hours';
END;

-- Fold the rows appended since the last fold into the folded ones, as
-- fold_queue_counts does (counts.sql), and minute rows that grew older than
-- history_minutes_kept() into their day; answers how many rows were folded.
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
    v_cutoff timestamptz := date_trunc('minute', now() - jobs_internal.history_minutes_kept());
BEGIN
    WITH appended AS (
        DELETE FROM jobs.job_history AS h
        WHERE NOT h.folded OR h.minute < v_cutoff
        RETURNING
            h.day, h.minute, h.queue, h.owner, h.name, h.status, h.bucket, h.jobs,
            h.duration_sum, h.queue_time_sum
    ),

    summed AS (
        SELECT
            a.day,
            CASE WHEN a.minute >= v_cutoff THEN a.minute END AS minute,
            a.queue, a.owner, a.name, a.status, a.bucket,
            sum(a.jobs) AS jobs,
            sum(a.duration_sum) AS duration_sum,
            sum(a.queue_time_sum) AS queue_time_sum,
            count(*) AS rows_folded
        FROM appended AS a
        GROUP BY 1, 2, a.queue, a.owner, a.name, a.status, a.bucket
    ),

    merged AS (
        INSERT INTO jobs.job_history AS h (
            day, minute, queue, owner, name, status, bucket, jobs, duration_sum,
            queue_time_sum, folded
        )
        SELECT
            s.day, s.minute, s.queue, s.owner, s.name, s.status, s.bucket, s.jobs,
            s.duration_sum, s.queue_time_sum, TRUE
        FROM summed AS s
        ON CONFLICT (day, minute, queue, owner, name, status, bucket) WHERE folded
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
-- jobs in the caller's scope (callers.sql); status scheduled counts retried
-- attempts (see minute_history_rows).
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
    -- The scope is worked out once, not inlined into a test per row.
    WITH scope AS MATERIALIZED (SELECT c.* FROM jobs_internal.caller_scope() AS c)

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
    CROSS JOIN scope AS s
    WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, h.owner, h.queue)
    GROUP BY h.day, h.queue, h.name, h.status, h.bucket;
END;

-- The run history of the last history_minutes_kept(), per minute, queue,
-- status and duration bucket, of the jobs in the caller's scope. Status
-- scheduled counts attempts that failed or lost their worker and will run
-- again (bucket null).
CREATE OR REPLACE FUNCTION jobs_internal.minute_history_rows()
RETURNS TABLE (
    minute timestamptz,
    queue text,
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
    -- The scope is worked out once, not inlined into a test per row.
    WITH scope AS MATERIALIZED (SELECT c.* FROM jobs_internal.caller_scope() AS c)

    SELECT
        h.minute,
        h.queue,
        h.status,
        h.bucket,
        sum(h.jobs)::bigint AS jobs,
        sum(h.duration_sum) AS duration_sum,
        sum(h.queue_time_sum) AS queue_time_sum
    FROM jobs.job_history AS h
    CROSS JOIN scope AS s
    WHERE
        h.minute >= date_trunc('minute', now() - jobs_internal.history_minutes_kept())
        AND jobs_internal.in_scope(s.everything, s.owner, s.queues, h.owner, h.queue)
    GROUP BY h.minute, h.queue, h.status, h.bucket;
END;

-- The newest job id of each name, among the jobs in the caller's scope.
CREATE OR REPLACE FUNCTION jobs_internal.latest_job_ids()
RETURNS TABLE (name text, job_id bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    -- The scope is worked out once, not inlined into a test per row.
    WITH scope AS MATERIALIZED (SELECT c.* FROM jobs_internal.caller_scope() AS c)

    SELECT
        n.name,
        max(n.job_id) AS job_id
    FROM jobs.name_latest AS n
    CROSS JOIN scope AS s
    WHERE jobs_internal.in_scope(s.everything, s.owner, s.queues, n.owner, n.queue)
    GROUP BY n.name;
END;

-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
-- Each name's newest job per owner and queue.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__history_insert()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    INSERT INTO jobs.name_latest (name, owner, queue, job_id)
    SELECT n.name, n.owner, n.queue, max(n.id)
    FROM new_rows AS n
    GROUP BY n.name, n.owner, n.queue;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _540_history_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__history_insert();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__history_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
SET jit = off
AS $$
BEGIN
    -- a renamed job is the newest of its new name, a job moved to
    -- another queue the newest of its name there.
    IF EXISTS (
        SELECT FROM old_rows AS o
        INNER JOIN new_rows AS n ON o.id = n.id
        WHERE o.name <> n.name OR o.queue <> n.queue
    ) THEN
        INSERT INTO jobs.name_latest (name, owner, queue, job_id)
        SELECT n.name, n.owner, n.queue, max(n.id)
        FROM old_rows AS o
        INNER JOIN new_rows AS n ON o.id = n.id
        WHERE o.name <> n.name OR o.queue <> n.queue
        GROUP BY n.name, n.owner, n.queue;
    END IF;
    -- The jobs that just finished, and the attempts that failed (or lost
    -- their worker) and will run again: status scheduled, no duration.
    INSERT INTO jobs.job_history (
        day, minute, queue, owner, name, status, bucket, jobs, duration_sum,
        queue_time_sum
    )
    SELECT
        (f.at AT TIME ZONE 'UTC')::date,
        date_trunc('minute', f.at),
        n.queue,
        n.owner,
        n.name,
        f.status,
        CASE WHEN f.finished
            THEN jobs_internal.duration_bucket(extract(EPOCH FROM n.ended_at - n.started_at))
        END,
        count(*),
        sum(extract(EPOCH FROM n.ended_at - n.started_at)),
        sum(extract(EPOCH FROM n.started_at - n.run_at)) FILTER (WHERE f.finished)
    FROM old_rows AS o
    INNER JOIN new_rows AS n ON o.id = n.id
    CROSS JOIN LATERAL (
        SELECT
            n.status IN ('completed', 'failed', 'cancelled') AS finished,
            CASE WHEN n.status IN ('completed', 'failed', 'cancelled')
                THEN n.ended_at ELSE now()
            END AS at,
            CASE WHEN n.status IN ('completed', 'failed', 'cancelled')
                THEN n.status ELSE 'scheduled'
            END AS status
    ) AS f
    WHERE
        (
            n.status IN ('completed', 'failed', 'cancelled')
            AND o.status NOT IN ('completed', 'failed', 'cancelled')
        )
        OR (o.status = 'running' AND n.status IN ('queued', 'scheduled'))
    GROUP BY 1, 2, 3, 4, 5, 6, 7;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _540_history_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__history_update();

CREATE OR REPLACE FUNCTION jobs_internal.tg_job__history_delete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    -- the ledger forgets the deleted jobs; a name whose newest job
    -- went falls back to the one before (rare: retention deletes the oldest
    -- jobs first).
    WITH orphaned AS (
        DELETE FROM jobs.name_latest AS l
        USING old_rows AS o
        WHERE l.job_id = o.id
        RETURNING l.name, l.owner, l.queue
    )

    INSERT INTO jobs.name_latest (name, owner, queue, job_id)
    SELECT d.name, d.owner, d.queue, j.job_id
    FROM (SELECT DISTINCT o.name, o.owner, o.queue FROM orphaned AS o) AS d
    CROSS JOIN LATERAL (
        SELECT max(k.id) AS job_id
        FROM jobs.job AS k
        WHERE
            k.name = d.name
            AND k.owner IS NOT DISTINCT FROM d.owner
            AND k.queue = d.queue
    ) AS j
    WHERE j.job_id IS NOT NULL;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _540_history_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__history_delete();
