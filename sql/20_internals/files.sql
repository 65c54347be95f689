-- A file is attached to a job that exists. No foreign key: deleting a
-- million jobs would then check job_file once per row; the statement
-- trigger at the end of this file removes files instead. FOR KEY SHARE keeps
-- the job from being deleted until this insert commits. SECURITY DEFINER:
-- that row lock needs an UPDATE grant, which workers do not have; the
-- job's scope is checked first (404 outside it, as for a missing job).
-- Depends on: migrations, helpers.sql.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job_file__check_job()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    PERFORM jobs_internal.get_job_in_scope(NEW.job_id);
    PERFORM FROM jobs.job AS j WHERE j.id = NEW.job_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % does not exist', NEW.job_id USING ERRCODE = 'PT404';
    END IF;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER _100_check_job
BEFORE INSERT OR UPDATE OF job_id ON jobs.job_file
FOR EACH ROW
EXECUTE FUNCTION jobs_internal.tg_job_file__check_job();

-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
-- A deleted job takes its files with it.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__files_delete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    DELETE FROM jobs.job_file AS f
    USING old_rows AS o
    WHERE f.job_id = o.id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _550_files_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__files_delete();
