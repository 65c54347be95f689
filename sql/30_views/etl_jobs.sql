-- api.etl_jobs: the ETL run log with the field names and statuses of the
-- PostgREST API that ETL scripts already talk to (id, name, start_date,
-- end_date, message, status in_progress/success/error, records_processed,
-- source, destination). Each run is a job of type etl, so it shows in
-- /jobs, the stats and the analyst views too. Depends on: 20_internals.

CREATE OR REPLACE VIEW api.etl_jobs WITH (security_invoker = TRUE) AS
SELECT
    j.id,
    j.name,
    j.started_at AS start_date,
    j.ended_at AS end_date,
    j.message,
    jobs_internal.etl_status(j.status) AS status,
    (j.result ->> 'records_processed')::integer AS records_processed,
    j.meta ->> 'source' AS source,
    j.meta ->> 'destination' AS destination
FROM jobs.job AS j
WHERE j.type = 'etl';

COMMENT ON VIEW api.etl_jobs IS
$$ETL runs

The run log of ETL scripts. POST {name, start_date, status: in_progress, source, destination} at the start of a run; PATCH ?id=eq.N {status: success or error, records_processed, message} at its end (end_date is filled in when it is not given). last_success(name) answers the start of the newest successful run: the watermark for incremental loads.$$;
COMMENT ON COLUMN api.etl_jobs.id IS 'Run id (the id of its job).';
COMMENT ON COLUMN api.etl_jobs.name IS 'Name of the ETL job; runs of one name form its history.';
COMMENT ON COLUMN api.etl_jobs.start_date IS 'When the run started (default: now).';
COMMENT ON COLUMN api.etl_jobs.end_date IS 'When the run ended; filled in when it ends without one.';
COMMENT ON COLUMN api.etl_jobs.message IS 'Optional message.';
COMMENT ON COLUMN api.etl_jobs.status IS 'in_progress, success or error.';
COMMENT ON COLUMN api.etl_jobs.records_processed IS 'Records the run processed.';
COMMENT ON COLUMN api.etl_jobs.source IS 'Source database of the run.';
COMMENT ON COLUMN api.etl_jobs.destination IS 'Destination database of the run.';

-- Writes through the view become jobs. Runs are few: a row trigger is fine.
-- SECURITY DEFINER: a user records its runs' outcome (status, result,
-- counters) through this view only, never in the table. The rows it
-- changes are those the caller's scan of the view found (row level
-- security applied there); a new run is the caller's (current_actor).
CREATE OR REPLACE FUNCTION jobs_internal.tg_etl_jobs__write()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_id bigint;
    v_status jobs.job_status;
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM jobs.job AS j WHERE j.id = OLD.id;
        RETURN OLD;
    END IF;
    v_status := jobs_internal.job_status_of_etl(coalesce(NEW.status, 'in_progress'));
    IF NEW.source IS NULL OR NEW.destination IS NULL THEN
        RAISE EXCEPTION 'an ETL run needs a source and a destination'
            USING ERRCODE = '23502';
    END IF;
    -- Checked on jobs.job too, but there under the names of jobs.
    IF NOT isfinite(NEW.start_date) THEN
        RAISE EXCEPTION 'start_date must be a date and time, not %', NEW.start_date
            USING ERRCODE = '22023';
    ELSIF NOT isfinite(NEW.end_date) THEN
        RAISE EXCEPTION 'end_date must be a date and time, not %', NEW.end_date
            USING ERRCODE = '22023';
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- A run starts running; one logged after the fact ends at once.
        INSERT INTO jobs.job (
            queue, name, type, status, started_at, message, meta, owner
        ) VALUES (
            'etl', NEW.name, 'etl', 'running', coalesce(NEW.start_date, now()),
            NEW.message,
            jsonb_build_object('source', NEW.source, 'destination', NEW.destination),
            jobs_internal.current_actor()
        )
        RETURNING id INTO v_id;
    ELSE
        v_id := OLD.id;
    END IF;
    UPDATE jobs.job AS j
    SET
        name = NEW.name,
        started_at = coalesce(NEW.start_date, j.started_at),
        ended_at = NEW.end_date,
        message = NEW.message,
        error = CASE WHEN v_status = 'failed' THEN NEW.message END,
        meta = j.meta || jsonb_build_object(
            'source', NEW.source, 'destination', NEW.destination
        ),
        result = CASE
            WHEN NEW.records_processed IS NULL THEN j.result
            ELSE coalesce(j.result, '{}')
                || jsonb_build_object('records_processed', NEW.records_processed)
        END,
        num_success = coalesce(NEW.records_processed, j.num_success),
        status = v_status
    WHERE j.id = v_id;
    SELECT * INTO NEW FROM api.etl_jobs AS e WHERE e.id = v_id;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER write_etl_job
INSTEAD OF INSERT OR UPDATE OR DELETE ON api.etl_jobs
FOR EACH ROW
EXECUTE FUNCTION jobs_internal.tg_etl_jobs__write();
