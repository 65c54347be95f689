-- The ids of the next due jobs whose named locks are free, row-locked for
-- the caller; claim_jobs turns them into running jobs. Each queue asked
-- (null: every queue), unpaused, is read one priority at a time from its
-- claim floor (claim_floor.sql), walking job_claim_idx in claim order, so
-- that a claim reads about as many entries as it takes, however long the
-- queues. Several queues are merged per priority, in run_at then id order;
-- their rows locked but not taken are free again at commit. (Read as one
-- walk ordered across queues, a claim of two queues sorted every queued job
-- of both: 18 ms a claim beside 40,000 of them, against 2.6 for one queue.)
-- Each queue walked costs about 80 µs, most of it locking rows that lose
-- to another queue's in the merge, so a claim of more than
-- merged_queues_limit() queues reads them as one walk after all: it sorts
-- their queued jobs, and under a held snapshot it walks the entries of
-- claimed jobs too. The lock test is written out in each query: a function
-- holding a subquery is never inlined.
-- Scheduled jobs whose run_at has come are taken too, straight from
-- scheduled (no promotion step): a job is claimable the moment it is due,
-- whether or not maintenance has queued it yet. The two kinds merge in
-- claim order.
-- Depends on: migrations, claim_floor.sql.
-- A generic plan for each query, made once a session: with a custom plan
-- (PostgreSQL's choice here, since it knows the LIMIT), every claim planned
-- each query again, 70 µs each.
CREATE OR REPLACE FUNCTION jobs_internal.merged_queues_limit()
RETURNS integer
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT 16;
END;

COMMENT ON FUNCTION jobs_internal.merged_queues_limit() IS
'The most queues a claim walks one by one, each from its claim floor; a claim of more reads them as one walk.';

CREATE OR REPLACE FUNCTION jobs_internal.pick_due_jobs(queues text[], max_jobs integer)
RETURNS bigint[]
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    v_paused text[] := ARRAY(SELECT q.name FROM jobs.queue AS q WHERE q.paused);
    v_queues text[];
    -- The queues walked one by one (all of v_queues, or none).
    v_walked text[] := '{}'::text[];
    -- The floors of v_walked[i] are v_floors[4 * i - 3 .. 4 * i], by priority.
    v_floors timestamptz[] := '{}'::timestamptz[];
    v_ids bigint[] := '{}'::bigint[];
    v_found bigint[];
    v_due bigint[];
BEGIN
    IF cardinality(queues) = 1 THEN
        v_queues := CASE WHEN queues[1] <> ALL(v_paused) THEN queues ELSE '{}' END;
    ELSE
        v_queues := ARRAY(
            SELECT q.name FROM jobs.queue AS q
            WHERE (queues IS NULL OR q.name = ANY(queues)) AND NOT q.paused
            ORDER BY q.name
        );
    END IF;
    IF cardinality(v_queues) > jobs_internal.merged_queues_limit() THEN
        SELECT coalesce(array_agg(d.id), '{}') INTO v_ids FROM (
            SELECT j.id FROM jobs.job AS j
            WHERE
                j.status = 'queued' AND j.queue = ANY(v_queues)
                AND (
                    j.locks = '{}' OR NOT EXISTS (
                        SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                    )
                )
            ORDER BY j.priority DESC, j.run_at ASC, j.id ASC
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED
        ) AS d;
    ELSE
        v_walked := v_queues;
    END IF;
    FOR v_i IN 1..cardinality(v_walked) LOOP
        v_floors := v_floors || jobs_internal.claim_floors(v_walked[v_i]);
    END LOOP;
    FOR v_priority IN REVERSE 4..1 LOOP
        EXIT WHEN cardinality(v_ids) >= max_jobs;
        v_found := '{}';
        FOR v_i IN 1..cardinality(v_walked) LOOP
            SELECT v_found || coalesce(array_agg(d.id), '{}') INTO v_found FROM (
                SELECT j.id FROM jobs.job AS j
                WHERE
                    j.status = 'queued' AND j.queue = v_walked[v_i]
                    AND j.priority = v_priority
                    AND j.run_at >= v_floors[4 * v_i - 4 + v_priority]
                    AND (
                        j.locks = '{}' OR NOT EXISTS (
                            SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                        )
                    )
                ORDER BY j.run_at ASC, j.id ASC
                LIMIT max_jobs - cardinality(v_ids)
                FOR UPDATE SKIP LOCKED
            ) AS d;
        END LOOP;
        IF cardinality(v_walked) > 1 THEN
            v_found := ARRAY(
                SELECT j.id FROM jobs.job AS j
                WHERE j.id = ANY(v_found)
                ORDER BY j.run_at ASC, j.id ASC
                LIMIT max_jobs - cardinality(v_ids)
            );
        END IF;
        v_ids := v_ids || v_found;
    END LOOP;
    v_due := jobs_internal.pick_due_scheduled(v_queues, max_jobs);
    IF v_due IS NOT NULL THEN
        -- Rows locked here but not taken are free again at commit.
        v_ids := ARRAY(
            SELECT j.id FROM jobs.job AS j
            WHERE j.id = ANY(v_ids || v_due)
            ORDER BY j.priority DESC, j.run_at ASC, j.id ASC
            LIMIT max_jobs
        );
    END IF;
    RETURN v_ids;
END;
$$;

-- The due scheduled jobs of some queues (unpaused, resolved by
-- pick_due_jobs), row-locked, in run_at order; null when there are none. More than merged_queues_limit() queues are read as one walk,
-- as in pick_due_jobs.
-- The probe reads the first entry of job_scheduled_run_at_idx (every
-- queue's scheduled jobs): nothing due anywhere, nothing more to read. Else
-- each queue is walked in job_scheduled_queue_run_at_idx from its oldest
-- run_at to now, so that jobs come due in other queues cost nothing. (Read
-- as one walk of every queue's due jobs, 50,000 come due in another queue
-- made each claim of a queue take 11 ms until maintenance queued them.)
-- Both are ordered by an index's key: whatever the statistics say (status
-- and run_at go together, which they cannot tell), the planner walks it.
-- SECURITY DEFINER, so that row level security does not hide the
-- statistics of status from the planner (the enum comparison is not
-- leakproof). The queues are the caller's, already checked by claim_jobs
-- (claimable_queues).
CREATE OR REPLACE FUNCTION jobs_internal.pick_due_scheduled(
    queues text[], max_jobs integer
)
RETURNS bigint[]
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_ids bigint[];
    -- The wall clock, not the transaction's start: a long-poll claim sees
    -- jobs that come due while it waits. Read once, so that it bounds the
    -- index scans.
    v_now timestamptz := clock_timestamp();
BEGIN
    IF NOT coalesce((
        SELECT j.run_at FROM jobs.job AS j
        WHERE j.status = 'scheduled' AND NOT j.waiting
        ORDER BY j.run_at
        LIMIT 1
    ) <= v_now, FALSE) THEN
        RETURN NULL;
    END IF;
    IF cardinality(queues) > jobs_internal.merged_queues_limit() THEN
        SELECT array_agg(d.id) INTO v_ids FROM (
            SELECT j.id FROM jobs.job AS j
            WHERE
                j.status = 'scheduled' AND NOT j.waiting AND j.run_at <= v_now
                AND j.queue = ANY(queues)
                AND (
                    j.locks = '{}' OR NOT EXISTS (
                        SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                    )
                )
            ORDER BY j.run_at ASC
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED
        ) AS d;
        RETURN v_ids;
    END IF;
    FOR v_i IN 1..cardinality(queues) LOOP
        SELECT v_ids || array_agg(d.id) INTO v_ids FROM (
            SELECT j.id FROM jobs.job AS j
            WHERE
                j.status = 'scheduled' AND NOT j.waiting
                AND j.queue = queues[v_i] AND j.run_at <= v_now
                AND (
                    j.locks = '{}' OR NOT EXISTS (
                        SELECT FROM jobs.job_lock AS h WHERE h.name = ANY(j.locks)
                    )
                )
            ORDER BY j.queue ASC, j.run_at ASC
            LIMIT max_jobs
            FOR UPDATE SKIP LOCKED
        ) AS d;
    END LOOP;
    RETURN v_ids;
END;
$$;

-- Whether this transaction may wait in a long-poll claim (claim_jobs with
-- wait_seconds): true when one of jobsapi.max_waiting_claims slots (default
-- 4; keep it below PostgREST's db-pool) is free, held until the claim's
-- transaction ends. A transaction-scoped advisory lock per slot, so that a
-- claim that ends, however it ends, frees its slot.
CREATE OR REPLACE FUNCTION jobs_internal.claim_wait_slot()
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_slots integer := coalesce(
        nullif(current_setting('jobsapi.max_waiting_claims', TRUE), '')::integer, 4
    );
BEGIN
    FOR v_slot IN 1..v_slots LOOP
        IF pg_try_advisory_xact_lock(hashtext('jobsapi.claim_wait'), v_slot) THEN
            RETURN TRUE;
        END IF;
    END LOOP;
    RETURN FALSE;
END;
$$;
