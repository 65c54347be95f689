-- events: embed a job's history in GET /jobs (a computed relationship).
-- Depends on: api.jobs, api.job_events.

CREATE OR REPLACE FUNCTION api.events(api.jobs)
RETURNS SETOF api.job_events
LANGUAGE sql
STABLE
ROWS 10
BEGIN ATOMIC
    SELECT e.*  -- noqa: AM04
    FROM api.job_events AS e
    WHERE e.job_id = $1.id
    ORDER BY e.id;
END;

COMMENT ON FUNCTION api.events(api.jobs) IS
'The transitions of a job, oldest first (embed with select=*,events(*)).';
