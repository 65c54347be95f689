-- migrate:up
-- The run history by the minute, for the dashboard's charts and the
-- metrics: rows of the last hours carry the minute their jobs finished in;
-- maintenance folds older ones into their day (minute null), so the ledger
-- grows by the day, as before. Null is also what a trigger of the previous
-- release writes while a deploy is under way: a row for the whole day.
ALTER TABLE jobs.job_history ADD COLUMN minute timestamptz;

COMMENT ON COLUMN jobs.job_history.minute IS
'The minute (UTC) the jobs finished in, for recent rows; null once folded into the day.';

DROP INDEX jobs.job_history_folded_key;

CREATE UNIQUE INDEX job_history_folded_key
ON jobs.job_history (day, minute, queue, owner, name, status, bucket) NULLS NOT DISTINCT
WHERE folded;

CREATE INDEX job_history_minute_idx ON jobs.job_history (minute)
WHERE minute IS NOT NULL;

-- migrate:down
DROP INDEX jobs.job_history_minute_idx;
DROP INDEX jobs.job_history_folded_key;
-- Minute rows go back into their day.
INSERT INTO jobs.job_history (
    day, queue, owner, name, status, bucket, jobs, duration_sum, queue_time_sum, folded
)
SELECT
    h.day,
    h.queue,
    h.owner,
    h.name,
    h.status,
    h.bucket,
    sum(h.jobs) AS jobs,
    sum(h.duration_sum) AS duration_sum,
    sum(h.queue_time_sum) AS queue_time_sum,
    TRUE AS folded
FROM jobs.job_history AS h
WHERE h.minute IS NOT NULL
GROUP BY h.day, h.queue, h.owner, h.name, h.status, h.bucket;
DELETE FROM jobs.job_history
WHERE minute IS NOT NULL;
-- Retried attempts (status scheduled) are unknown to the previous release.
DELETE FROM jobs.job_history
WHERE status NOT IN ('completed', 'failed', 'cancelled');
ALTER TABLE jobs.job_history DROP COLUMN minute;
-- (folded day rows and the re-inserted ones may now share a key: fold them)
WITH merged AS (
    DELETE FROM jobs.job_history AS h
    WHERE h.folded
    RETURNING h.*
)

INSERT INTO jobs.job_history (
    day, queue, owner, name, status, bucket, jobs, duration_sum, queue_time_sum, folded
)
SELECT
    m.day,
    m.queue,
    m.owner,
    m.name,
    m.status,
    m.bucket,
    sum(m.jobs) AS jobs,
    sum(m.duration_sum) AS duration_sum,
    sum(m.queue_time_sum) AS queue_time_sum,
    TRUE AS folded
FROM merged AS m
GROUP BY m.day, m.queue, m.owner, m.name, m.status, m.bucket;
CREATE UNIQUE INDEX job_history_folded_key
ON jobs.job_history (day, queue, owner, name, status, bucket) NULLS NOT DISTINCT
WHERE folded;
