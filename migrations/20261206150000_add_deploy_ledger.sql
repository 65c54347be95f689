-- migrate:up
-- The deploy of sql/ is incremental (python_client/jobsapi/sql_deploy.py):
-- a file whose text was deployed already, with every object it declares in
-- place, is not run again, so that a redeploy onto a live system takes no
-- lock on a view or table that nothing changed. This ledger says what was
-- deployed; the row '<migrations>' holds the migration versions it was
-- deployed over (new migrations mean the whole of sql/ runs again).
CREATE TABLE jobs.deployed_file (
    path text PRIMARY KEY,
    sha256 text NOT NULL,
    deployed_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE jobs.deployed_file IS
'The files of sql/ as last deployed (path, text hash), and <migrations>: the migration versions they were deployed over.';

-- Row level security is a property of the tables, set once here rather
-- than on every deploy (ALTER TABLE takes a lock that stops every writer).
-- The policies are in sql/50_policies/.
ALTER TABLE jobs.job ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs.job_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs.job_lock ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs.job_file ENABLE ROW LEVEL SECURITY;

-- migrate:down
DROP TABLE jobs.deployed_file;
