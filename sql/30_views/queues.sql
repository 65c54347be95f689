-- api.queues: queues, their settings and their jobs per status.
-- Counts come from the jobs.queue_count ledger, never from scanning jobs.
-- Depends on: migrations, 20_internals/counts.sql.

CREATE OR REPLACE VIEW api.queues WITH (security_invoker = TRUE) AS
WITH counted AS (
    SELECT
        n.queue,
        sum(n.jobs) FILTER (WHERE n.status = 'scheduled') AS scheduled,
        sum(n.jobs) FILTER (WHERE n.status = 'queued') AS queued,
        sum(n.jobs) FILTER (WHERE n.status = 'running') AS running,
        sum(n.jobs) FILTER (WHERE n.status = 'completed') AS completed,
        sum(n.jobs) FILTER (WHERE n.status = 'failed') AS failed,
        sum(n.jobs) FILTER (WHERE n.status = 'cancelling') AS cancelling,
        sum(n.jobs) FILTER (WHERE n.status = 'cancelled') AS cancelled
    FROM jobs_internal.queue_counts() AS n
    GROUP BY n.queue
)

SELECT
    q.name,
    q.paused,
    q.max_attempts,
    q.backoff_seconds,
    q.max_backoff_seconds,
    q.keep_completed,
    q.keep_failed,
    q.max_payload_bytes,
    q.created_at,
    jsonb_build_object(
        'scheduled', coalesce(c.scheduled, 0),
        'queued', CASE WHEN q.paused THEN 0 ELSE coalesce(c.queued, 0) END,
        'running', coalesce(c.running, 0),
        'completed', coalesce(c.completed, 0),
        'failed', coalesce(c.failed, 0),
        'cancelling', coalesce(c.cancelling, 0),
        'cancelled', coalesce(c.cancelled, 0),
        'paused', CASE WHEN q.paused THEN coalesce(c.queued, 0) ELSE 0 END
    ) AS counts
FROM jobs.queue AS q
LEFT JOIN counted AS c ON q.name = c.queue;

COMMENT ON VIEW api.queues IS
$$Queues

A queue exists once a job names it; POST creates one ahead of time with its settings; PATCH changes them; DELETE removes a queue without jobs. A paused queue hands out no jobs: its queued jobs count as paused until it resumes. A failed attempt is retried after backoff_seconds * 2^(attempts - 1), at most max_backoff_seconds. prune_jobs keeps the newest keep_completed completed and keep_failed failed jobs of each queue.$$;
COMMENT ON COLUMN api.queues.name IS 'Queue name.';
COMMENT ON COLUMN api.queues.paused IS 'True stops claims from this queue until it is set back to false.';
COMMENT ON COLUMN api.queues.max_attempts IS 'Attempts allowed to jobs of this queue that do not set their own (default 3).';
COMMENT ON COLUMN api.queues.backoff_seconds IS 'Delay before the second attempt; doubles with each further attempt (default 10).';
COMMENT ON COLUMN api.queues.max_backoff_seconds IS 'Longest delay between attempts (default 3600).';
COMMENT ON COLUMN api.queues.keep_completed IS 'Completed jobs prune_jobs keeps, newest first (default 1000).';
COMMENT ON COLUMN api.queues.keep_failed IS 'Failed jobs prune_jobs keeps, newest first (default 5000).';
COMMENT ON COLUMN api.queues.max_payload_bytes IS 'Largest payload, result or meta of a job of this queue, in bytes as stored (default 1048576, 1 MB; 65536 to 104857600). Larger: 413, nothing stored.';
COMMENT ON COLUMN api.queues.created_at IS 'When the queue appeared.';
COMMENT ON COLUMN api.queues.counts IS 'Jobs per status: scheduled, queued, running, completed, failed, cancelling, cancelled, and paused (queued jobs of a paused queue).';

SELECT jobs_internal.copy_defaults('api.queues', 'jobs.queue');

-- The view joins the counts, so writes go through these triggers. Queues
-- are few and rarely written: a row trigger costs nothing here.
CREATE OR REPLACE FUNCTION jobs_internal.tg_queues__write()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO jobs.queue (
            name, paused, max_attempts, backoff_seconds, max_backoff_seconds,
            keep_completed, keep_failed, max_payload_bytes
        ) VALUES (
            NEW.name, NEW.paused, NEW.max_attempts, NEW.backoff_seconds,
            NEW.max_backoff_seconds, NEW.keep_completed, NEW.keep_failed,
            NEW.max_payload_bytes
        );
        RETURN NEW;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.name IS DISTINCT FROM OLD.name THEN
            RAISE EXCEPTION 'a queue cannot be renamed' USING ERRCODE = '22023';
        END IF;
        UPDATE jobs.queue AS q
        SET
            paused = NEW.paused,
            max_attempts = NEW.max_attempts,
            backoff_seconds = NEW.backoff_seconds,
            max_backoff_seconds = NEW.max_backoff_seconds,
            keep_completed = NEW.keep_completed,
            keep_failed = NEW.keep_failed,
            max_payload_bytes = NEW.max_payload_bytes
        WHERE q.name = OLD.name;
        -- A resumed queue wakes the workers listening on jobs_queued.
        IF OLD.paused AND NOT NEW.paused AND jobs_internal.notify_enabled() THEN
            PERFORM pg_notify('jobs_queued', NEW.name);
        END IF;
        RETURN NEW;
    END IF;
    -- A queue that still has jobs is refused by jobs.queue's own trigger.
    DELETE FROM jobs.queue AS q WHERE q.name = OLD.name;
    RETURN OLD;
END;
$$;

CREATE OR REPLACE TRIGGER write_queue
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.queues
FOR EACH ROW
EXECUTE FUNCTION jobs_internal.tg_queues__write();
