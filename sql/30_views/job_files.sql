-- api.job_files: files and logs attached to jobs. Depends on: migrations.

CREATE OR REPLACE VIEW api.job_files WITH (security_invoker = TRUE) AS
SELECT
    f.id,
    f.job_id,
    f.kind,
    f.name,
    f.host,
    f.path,
    f.size_bytes,
    f.created_at
FROM jobs.job_file AS f;

COMMENT ON VIEW api.job_files IS
$$Job files

Files and logs a job produced or used: name, host, path and size. POST attaches one (or an array); they are deleted with their job. Embed them with GET /jobs?select=*,files(*).$$;
COMMENT ON COLUMN api.job_files.id IS 'File id.';
COMMENT ON COLUMN api.job_files.job_id IS 'The job it belongs to.';
COMMENT ON COLUMN api.job_files.kind IS 'file or log.';
COMMENT ON COLUMN api.job_files.name IS 'File name.';
COMMENT ON COLUMN api.job_files.host IS 'Host that holds it.';
COMMENT ON COLUMN api.job_files.path IS 'Path on that host.';
COMMENT ON COLUMN api.job_files.size_bytes IS 'Size in bytes.';
COMMENT ON COLUMN api.job_files.created_at IS 'When it was attached.';
