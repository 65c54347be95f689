-- last_success: the watermark of incremental loads. Depends on: migrations.

CREATE OR REPLACE FUNCTION api.last_success(name text)
RETURNS timestamptz
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT max(j.started_at)
    FROM jobs.job AS j
    WHERE j.name = $1 AND j.status = 'completed';
END;

COMMENT ON FUNCTION api.last_success(text) IS
$$Start of the newest successful run

The start time of the newest completed job (or successful ETL run) of that name: extract what changed since then. null when it never succeeded. GET /rpc/last_success?name=my_etl_job$$;
