-- migrate:up
-- Per-caller counts and statistics: the ledgers record whose jobs (owner)
-- they count, and name_latest also the queue, so a reader can keep to the
-- rows its caller may see. An index on owner serves each user's job list.

ALTER TABLE jobs.queue_count ADD COLUMN owner text;
ALTER TABLE jobs.job_history ADD COLUMN owner text;
ALTER TABLE jobs.name_latest
ADD COLUMN owner text,
ADD COLUMN queue text;

-- Rows recorded before owners were: the newest job per name is known again
-- from the jobs; older history stays without owner (seen by admins only).
DELETE FROM jobs.name_latest;
INSERT INTO jobs.name_latest (name, owner, queue, job_id)
SELECT
    j.name,
    j.owner,
    j.queue,
    max(j.id) AS job_id
FROM jobs.job AS j
GROUP BY j.name, j.owner, j.queue;

CREATE INDEX job_owner_idx ON jobs.job (owner, id);

-- migrate:down
DROP INDEX jobs.job_owner_idx;
ALTER TABLE jobs.name_latest
DROP COLUMN queue,
DROP COLUMN owner;
ALTER TABLE jobs.job_history DROP COLUMN owner;
ALTER TABLE jobs.queue_count DROP COLUMN owner;
