-- migrate:up
-- Where a claim starts to read a queue (sql/20_internals/claim_floor.sql):
-- per queue and priority, a run_at that no queued job of theirs is earlier
-- than, and the earlier run_at values of jobs queued since it was set.
CREATE TABLE jobs.claim_floor (
    queue text NOT NULL REFERENCES jobs.queue (name) ON DELETE CASCADE,
    priority smallint NOT NULL,
    run_at timestamptz NOT NULL,
    raised_at timestamptz NOT NULL,
    PRIMARY KEY (queue, priority)
);

CREATE TABLE jobs.claim_floor_low (
    queue text NOT NULL REFERENCES jobs.queue (name) ON DELETE CASCADE,
    priority smallint NOT NULL,
    run_at timestamptz NOT NULL
);

CREATE INDEX claim_floor_low_queue_idx ON jobs.claim_floor_low (queue, priority, run_at);

COMMENT ON TABLE jobs.claim_floor IS
'Per queue and priority, a run_at that no queued job is earlier than (unless claim_floor_low says so), and when it was last raised.';
COMMENT ON TABLE jobs.claim_floor_low IS
'The run_at of jobs queued below their claim_floor since it was last raised; folded into it at the next raise.';

-- migrate:down
DROP TABLE jobs.claim_floor_low;
DROP TABLE jobs.claim_floor;
