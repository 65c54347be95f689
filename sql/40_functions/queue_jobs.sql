-- queue_jobs: one queue's counts and a page of its jobs in one answer.
-- Depends on: api.queues, api.jobs.

CREATE OR REPLACE FUNCTION api.queue_jobs(
    queue text,
    status text DEFAULT 'failed',
    page integer DEFAULT 1,
    page_size integer DEFAULT 10
)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
-- The page query must see the status to use the partial indexes of jobs.
SET plan_cache_mode = force_custom_plan
AS $$
DECLARE
    v_queue api.queues;
    v_status jobs.job_status;
    v_total bigint;
    v_jobs jsonb;
BEGIN
    SELECT * INTO v_queue FROM api.queues AS q WHERE q.name = queue_jobs.queue;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'queue % does not exist',
            jobs_internal.escape_for_message(queue)
            USING ERRCODE = 'PT404', DETAIL = format('queue=%s', queue);
    END IF;
    IF page IS NULL OR page < 1 THEN
        RAISE EXCEPTION 'page must be 1 or more, not %', page USING ERRCODE = '22023';
    END IF;
    IF page_size IS NULL OR page_size NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'page_size must be between 1 and 1000, not %', page_size
            USING ERRCODE = '22023';
    END IF;
    -- paused: the queued jobs of a paused queue.
    IF status = 'paused' OR status IN (
        SELECT unnest(enum_range(NULL::jobs.job_status))::text
    ) THEN
        v_status := (CASE WHEN status = 'paused' THEN 'queued' ELSE status END)::jobs.job_status;
    ELSE
        RAISE EXCEPTION 'status must be one of %, or paused, not %',
            array_to_string(enum_range(NULL::jobs.job_status), ', '),
            jobs_internal.escape_for_message(status)
            USING ERRCODE = '22023';
    END IF;
    v_total := (v_queue.counts ->> status)::bigint;

    SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.id DESC), '[]') INTO v_jobs
    FROM (
        SELECT v.* FROM api.jobs AS v
        WHERE
            v.queue = queue_jobs.queue AND v.status = v_status
            -- Queued jobs of a paused queue count as paused, not queued.
            AND (v_status <> 'queued' OR v_queue.paused = (queue_jobs.status = 'paused'))
        ORDER BY v.id DESC
        LIMIT page_size OFFSET (page - 1)::bigint * page_size
    ) AS p;

    RETURN jsonb_build_object(
        'name', v_queue.name,
        'paused', v_queue.paused,
        'counts', v_queue.counts,
        'jobs', v_jobs,
        'pagination', jsonb_build_object(
            'current_page', page,
            'total_pages', ceil(v_total::numeric / page_size)::bigint,
            'total_jobs', v_total,
            'page_size', page_size
        )
    );
END;
$$;

COMMENT ON FUNCTION api.queue_jobs(text, text, integer, integer) IS
$$A queue and a page of its jobs

Answers {name, paused, counts, jobs, pagination: {current_page, total_pages, total_jobs, page_size}} for one queue: the jobs of one status (default failed; paused means the queued jobs of a paused queue), newest first, with their error, stacktrace, attempts, times and result. page starts at 1 (default 1), page_size 1-1000 (default 10). 404 for an unknown queue, 400 for an unknown status.$$;
