-- migrate:up
-- The dashboard's files (HTML, JS, CSS of dashboard/ in the repo), loaded by
-- every deploy (python_client/jobsapi/server/sql_deploy.py) and served by
-- api.dashboard and api.dashboard_file (sql/40_functions/dashboard.sql), so
-- that the page needs no server of its own: PostgREST serves it.
CREATE TABLE jobs.dashboard_file (
    name text PRIMARY KEY,
    media_type text NOT NULL,
    body bytea NOT NULL,
    sha256 text NOT NULL
);

COMMENT ON TABLE jobs.dashboard_file IS
'The dashboard''s files as last deployed: name (relative to dashboard/), media type, content and its hash (the ETag).';

-- migrate:down
DROP TABLE jobs.dashboard_file;
