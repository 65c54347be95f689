-- api.job_events: the audit log of every status transition.
-- Depends on: migrations.

CREATE OR REPLACE VIEW api.job_events WITH (security_invoker = TRUE) AS
SELECT
    e.id,
    e.job_id,
    e.from_status,
    e.to_status,
    e.happened_at,
    e.actor,
    e.message
FROM jobs.job_event AS e;

COMMENT ON VIEW api.job_events IS
$$Job events

Every status transition of every job: submission (from_status null), claims, completions, failures, retries, cancels. Written by the database; read-only.$$;
COMMENT ON COLUMN api.job_events.id IS 'Event id; increases with time.';
COMMENT ON COLUMN api.job_events.job_id IS 'The job that changed.';
COMMENT ON COLUMN api.job_events.from_status IS 'Status before; null when the job was submitted.';
COMMENT ON COLUMN api.job_events.to_status IS 'Status after.';
COMMENT ON COLUMN api.job_events.happened_at IS 'When the transition happened.';
COMMENT ON COLUMN api.job_events.actor IS 'Who made it: the JWT subject, else the database role.';
COMMENT ON COLUMN api.job_events.message IS 'The error of a failed attempt, else the job message at that moment.';
