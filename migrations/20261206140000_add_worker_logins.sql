-- migrate:up
-- A worker's queue scope for a direct database login (a member of
-- jobs_worker that connects without PostgREST, e.g. to LISTEN): the queues
-- it may claim from, as a worker token's queues claim says them over HTTP.
CREATE TABLE jobs.worker_login (
    role_name text PRIMARY KEY,
    queues text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT worker_login_role_name_not_empty CHECK (role_name <> ''),
    CONSTRAINT worker_login_queues_are_names CHECK (
        cardinality(queues) > 0
        AND array_position(queues, NULL) IS NULL
        AND NOT '' = any(queues)
    )
);

-- migrate:down
DROP TABLE jobs.worker_login;
