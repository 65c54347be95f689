-- Named locks: a running job holds the names in its locks column, so no two
-- jobs sharing a name run at once. claim_jobs takes them; any transition out
-- of running releases them (the triggers at the end). Depends on: migrations.

-- A job enters running only holding every lock it names: claim_jobs takes
-- them first; a PATCH or INSERT to running would run beside their holder.
CREATE OR REPLACE FUNCTION jobs_internal.assert_locks_held(job_id bigint, lock_names text[])
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF lock_names <> '{}' AND EXISTS (
        SELECT FROM unnest(lock_names) AS l (name)
        WHERE NOT EXISTS (
            SELECT FROM jobs.job_lock AS h
            WHERE h.name = l.name AND h.job_id = assert_locks_held.job_id
        )
    ) THEN
        RAISE EXCEPTION 'job % names locks (%): only claim_jobs can start it',
            job_id, jobs_internal.escape_list_for_message(lock_names)
            USING ERRCODE = 'PT409',
                HINT = 'claim_jobs takes the locks, or skips the job while they are held.';
    END IF;
END;
$$;

-- Take the locks of freshly picked jobs; answer the ids that got all of
-- theirs. Locks are taken in name order so two claimers cannot deadlock; a
-- name taken by a concurrent claim makes its job wait for a later claim.
CREATE OR REPLACE FUNCTION jobs_internal.take_job_locks(job_ids bigint[], worker text)
RETURNS bigint[]
LANGUAGE plpgsql
AS $$
DECLARE
    v_losers bigint[];
BEGIN
    INSERT INTO jobs.job_lock (name, job_id, worker)
    SELECT DISTINCT ON (l.name) l.name, j.id, take_job_locks.worker
    FROM jobs.job AS j
    CROSS JOIN LATERAL unnest(j.locks) AS l (name)
    WHERE j.id = ANY(job_ids)
    ORDER BY l.name ASC, j.priority DESC, j.run_at ASC, j.id ASC
    ON CONFLICT (name) DO NOTHING;

    SELECT array_agg(j.id) INTO v_losers
    FROM jobs.job AS j
    WHERE
        j.id = ANY(job_ids)
        AND EXISTS (
            SELECT FROM unnest(j.locks) AS l (name)
            WHERE NOT EXISTS (
                SELECT FROM jobs.job_lock AS h
                WHERE h.name = l.name AND h.job_id = j.id
            )
        );
    IF v_losers IS NULL THEN
        RETURN job_ids;
    END IF;
    DELETE FROM jobs.job_lock AS h WHERE h.job_id = ANY(v_losers);
    RETURN ARRAY(SELECT unnest(job_ids) EXCEPT SELECT unnest(v_losers));
END;
$$;

-- Whether a lock name is taken, by anyone. SECURITY DEFINER: a caller sees
-- only its own locks and those of its jobs (50_policies/job_locks.sql), yet
-- must learn that a name it cannot see is taken, though not by whom.
CREATE OR REPLACE FUNCTION jobs_internal.lock_is_taken(name text)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = ''
BEGIN ATOMIC
    SELECT count(*) > 0 AS taken
    FROM jobs.job_lock AS h
    WHERE h.name = $1;
END;

-- Whether the caller may see who holds a lock: an admin may, and so may
-- the caller that took it or one that sees its job, as the row level
-- security of job_lock says (50_policies/job_locks.sql). For
-- acquire_lock and release_lock, which read job_lock as its owner.
CREATE OR REPLACE FUNCTION jobs_internal.lock_is_visible(holder text, job_id bigint)
RETURNS boolean
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT
        coalesce(jobs_internal.caller_role() = 'jobs_admin', FALSE)
        OR holder = jobs_internal.current_actor()
        OR EXISTS (
            SELECT 1 FROM jobs.job AS j
            WHERE
                j.id = $2
                AND jobs_internal.in_scope(s.everything, s.owner, s.queues, j.owner, j.queue)
        )
    FROM jobs_internal.caller_scope() AS s;
END;

-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
-- A job that stops running gives back its named locks.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__locks_update()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET enable_nestloop = off
SET jit = off
AS $$
BEGIN
    -- released by any way out of running.
    IF EXISTS (SELECT FROM jobs.job_lock) THEN
        DELETE FROM jobs.job_lock AS h
        USING old_rows AS o, new_rows AS n
        WHERE
            h.job_id = n.id
            AND o.id = n.id
            AND o.status IN ('running', 'cancelling')
            AND n.status NOT IN ('running', 'cancelling');
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _560_locks_update
AFTER UPDATE ON jobs.job
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__locks_update();

-- A deleted job gives back its locks.
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__locks_delete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    DELETE FROM jobs.job_lock AS h
    USING old_rows AS o
    WHERE h.job_id = o.id;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _560_locks_delete
AFTER DELETE ON jobs.job
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__locks_delete();
