-- api.worker_logins: the queues each direct database login of a worker may
-- claim from (admins only). Depends on: migrations.

CREATE OR REPLACE VIEW api.worker_logins WITH (security_invoker = TRUE) AS
SELECT
    w.role_name,
    w.queues,
    w.created_at
FROM jobs.worker_login AS w;

SELECT jobs_internal.copy_defaults('api.worker_logins', 'jobs.worker_login');

COMMENT ON VIEW api.worker_logins IS
$$Worker logins

The queue scope of workers that connect to PostgreSQL directly (to LISTEN) rather than through PostgREST: a login role that is a member of jobs_worker may claim, see and report on the jobs of the queues its row names, and nothing else, as a worker token's queues claim allows over HTTP. Without a row it reaches no queue. jobsapi worker-login creates the role and its row. Admins only.$$;
COMMENT ON COLUMN api.worker_logins.role_name IS 'The login role (a member of jobs_worker).';
COMMENT ON COLUMN api.worker_logins.queues IS 'The queues it may claim from ("*": every queue).';
COMMENT ON COLUMN api.worker_logins.created_at IS 'When the row was added.';
