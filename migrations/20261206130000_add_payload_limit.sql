-- migrate:up
-- The largest payload, result or meta a job of a queue may hold: 1 MB by
-- default, 64 KB to 100 MB (sql/20_internals/limits.sql checks it).
ALTER TABLE jobs.queue
ADD COLUMN max_payload_bytes integer NOT NULL DEFAULT 1048576,
ADD CONSTRAINT queue_max_payload_bytes_in_range CHECK (
    max_payload_bytes BETWEEN 65536 AND 104857600
);

-- migrate:down
ALTER TABLE jobs.queue DROP COLUMN max_payload_bytes;
