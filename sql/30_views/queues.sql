-- api.queues: the queues and their settings.
-- Depends on: migrations.

CREATE VIEW api.queues WITH (security_invoker = TRUE) AS
SELECT
    q.name,
    q.paused,
    q.backoff_seconds,
    q.max_backoff_seconds,
    q.created_at
FROM jobs.queue AS q;

COMMENT ON VIEW api.queues IS
$$Queues

A queue exists once a job names it; POST creates one ahead of time. A paused queue hands out no jobs. A failed attempt is retried after backoff_seconds * 2^(attempts - 1), at most max_backoff_seconds.$$;
COMMENT ON COLUMN api.queues.name IS 'Queue name.';
COMMENT ON COLUMN api.queues.paused IS 'True stops claims from this queue until it is set back to false.';
COMMENT ON COLUMN api.queues.backoff_seconds IS 'Delay before the second attempt; doubles with each further attempt.';
COMMENT ON COLUMN api.queues.max_backoff_seconds IS 'Longest delay between attempts.';
COMMENT ON COLUMN api.queues.created_at IS 'When the queue appeared.';
