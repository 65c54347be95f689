-- The claim floor: where a claim starts to read job_claim_idx for a queue.
-- A claimed job leaves its entry in that index until VACUUM removes it, and
-- while a snapshot is held open (an analyst's long query, a pg_dump) VACUUM
-- removes none: a claim that read the queue from its first entry would walk
-- every job claimed since that snapshot began, and slow down with each.
-- So per queue and priority, jobs.claim_floor holds a run_at that no queued
-- job is earlier than, and the claim reads from there (pick_due_jobs.sql).
--   A statement that leaves jobs queued earlier than their floor (a job
--   submitted with an old run_at, a lease rescued, a follow-up released)
--   appends their run_at to jobs.claim_floor_low, which the claim reads too.
--   It holds the queue's floor lock, shared, until it commits.
--   A claim raises the floors at most once a second, to the first queued
--   job of each priority (or to now when there is none), and empties
--   claim_floor_low; only when it gets the queue's floor lock alone: no
--   such statement is in flight then, and its next statement sees every
--   queued job.
--   A statement under REPEATABLE READ or SERIALIZABLE may not see a raise
--   made since its snapshot, so it appends whatever it queues.
-- Depends on: migrations.

-- The queue's floor lock: (class, queue).
CREATE OR REPLACE FUNCTION jobs_internal.claim_floor_lock_class()
RETURNS integer
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT hashtext('jobsapi.claim_floor');
END;

COMMENT ON FUNCTION jobs_internal.claim_floor_lock_class() IS
'The first key of the advisory lock guarding a queue''s claim floor (the second is hashtext of the queue).';

-- Each statement that leaves jobs queued takes their queues' floor locks
-- (shared), then records those queued below their floor. (Written over the
-- transition table, with no parameter: a statement over arrays passed in
-- was planned again on every call, 150 µs a submit.)
-- Statement-level, over the transition tables, as every trigger after a
-- statement on jobs.job is (events.sql says why).
CREATE OR REPLACE FUNCTION jobs_internal.tg_job__claim_floor()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
SET jit = off
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(jobs_internal.claim_floor_lock_class(), hashtext(q.queue))
    FROM (
        SELECT DISTINCT n.queue FROM new_rows AS n WHERE n.status = 'queued' ORDER BY n.queue
    ) AS q;
    IF FOUND THEN
        INSERT INTO jobs.claim_floor_low (queue, priority, run_at)
        SELECT l.queue, l.priority, l.run_at
        FROM (
            SELECT n.queue, n.priority, min(n.run_at) AS run_at
            FROM new_rows AS n
            WHERE n.status = 'queued'
            GROUP BY n.queue, n.priority
        ) AS l
        WHERE
            current_setting('transaction_isolation') <> 'read committed'
            OR l.run_at < (
                SELECT f.run_at FROM jobs.claim_floor AS f
                WHERE f.queue = l.queue AND f.priority = l.priority
            );
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER _580_claim_floor_insert
AFTER INSERT ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__claim_floor();

CREATE OR REPLACE TRIGGER _580_claim_floor_update
AFTER UPDATE ON jobs.job
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT
EXECUTE FUNCTION jobs_internal.tg_job__claim_floor();

-- The run_at from which a claim of the queue reads each priority (index 1
-- to 4): its floor, or the earliest job recorded below it since;
-- '-infinity' where no floor was raised yet.
CREATE OR REPLACE FUNCTION jobs_internal.current_claim_floors(queue text)
RETURNS timestamptz[]
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    RETURN (
        SELECT array_agg(
            least(
                coalesce(f.run_at, '-infinity'),
                (
                    SELECT min(l.run_at) FROM jobs.claim_floor_low AS l
                    WHERE l.queue = current_claim_floors.queue AND l.priority = p.priority
                )
            )
            ORDER BY p.priority
        )
        FROM generate_series(1, 4) AS p (priority)
        LEFT JOIN jobs.claim_floor AS f
            ON f.queue = current_claim_floors.queue AND f.priority = p.priority
    );
END;
$$;

-- The queue's current_claim_floors, raised first when the last raise is a
-- second old and the floor lock is free.
CREATE OR REPLACE FUNCTION jobs_internal.claim_floors(queue text)
RETURNS timestamptz[]
LANGUAGE plpgsql
AS $$
DECLARE
    v_raised timestamptz;
BEGIN
    SELECT max(f.raised_at) INTO v_raised
    FROM jobs.claim_floor AS f WHERE f.queue = claim_floors.queue;
    IF (v_raised IS NULL OR v_raised < clock_timestamp() - interval '1 second')
        AND current_setting('transaction_isolation') = 'read committed'
        AND pg_try_advisory_xact_lock(
            jobs_internal.claim_floor_lock_class(), hashtext(claim_floors.queue)
        ) THEN
        PERFORM jobs_internal.raise_claim_floors(claim_floors.queue);
    END IF;
    RETURN jobs_internal.current_claim_floors(claim_floors.queue);
END;
$$;

-- Raise the queue's floors; the caller holds its floor lock alone, so each
-- statement from here sees every queued job of the queue and every record
-- below the floor (read here, not before the lock: a record committed in
-- between would be deleted below without its job being looked at).
CREATE OR REPLACE FUNCTION jobs_internal.raise_claim_floors(queue text)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_floors timestamptz[] := jobs_internal.current_claim_floors(raise_claim_floors.queue);
BEGIN
    INSERT INTO jobs.claim_floor AS f (queue, priority, run_at, raised_at)
    SELECT
        raise_claim_floors.queue,
        p.priority,
        coalesce(
            (
                SELECT j.run_at FROM jobs.job AS j
                WHERE
                    j.status = 'queued' AND j.queue = raise_claim_floors.queue
                    AND j.priority = p.priority AND j.run_at >= v_floors[p.priority]
                ORDER BY j.run_at
                LIMIT 1
            ),
            -- None queued: whatever is queued later is either later than
            -- now or recorded low.
            clock_timestamp()
        ),
        clock_timestamp()
    FROM generate_series(1, 4) AS p (priority)
    -- (A claim may name a queue that no job created yet.)
    WHERE EXISTS (SELECT FROM jobs.queue AS q WHERE q.name = raise_claim_floors.queue)
    ON CONFLICT ON CONSTRAINT claim_floor_pkey DO UPDATE
        SET run_at = excluded.run_at, raised_at = excluded.raised_at;
    DELETE FROM jobs.claim_floor_low AS l WHERE l.queue = raise_claim_floors.queue;
END;
$$;
