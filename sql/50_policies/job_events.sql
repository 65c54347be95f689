-- Row level security on the event log: an event is seen with its job. The
-- sub-select on jobs.job applies that table's policies for the caller.
-- Depends on: 50_policies/jobs.sql.

-- Admins: every event.
CREATE POLICY job_event_admin ON jobs.job_event
TO jobs_admin
USING (TRUE);

-- Users and workers: the events of the jobs they see. (Events are written
-- by the SECURITY DEFINER triggers only; no role may insert them.)
CREATE POLICY job_event_of_visible_job ON jobs.job_event
FOR SELECT
TO jobs_user, jobs_worker
USING (EXISTS (
    SELECT FROM jobs.job AS j
    WHERE j.id = job_event.job_id
));

COMMENT ON POLICY job_event_admin ON jobs.job_event IS 'Admins see every event.';
COMMENT ON POLICY job_event_of_visible_job ON jobs.job_event IS
'Users and workers see the events of the jobs they see.';
