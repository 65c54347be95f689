-- run_maintenance: the housekeeping that lets jobsapi run unattended, in
-- one call: lease rescue, recurring schedules, due jobs queued, retention
-- and expiry, and the folding of the ledgers. pg_cron calls it every
-- minute where it is installed (96_maintenance_schedule.sql); elsewhere
-- `jobsapi worker` (at most once a minute across all workers) and
-- `jobsapi maintain` do. Each action works in bounded batches, so one run
-- costs a bounded time; what is left waits for the next run.
-- SECURITY DEFINER: it is housekeeping for every queue and owner, whoever
-- calls it, and answers only counts.
-- Depends on: 20_internals, api.prune_jobs.

CREATE OR REPLACE FUNCTION api.run_maintenance(
    min_interval_seconds integer DEFAULT 0,
    unless_pg_cron boolean DEFAULT FALSE
)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_last jobs.maintenance;
    v_start timestamptz := clock_timestamp();
    v_batch bigint;
    v_rescued bigint := 0;
    v_promoted bigint := 0;
    v_expired bigint := 0;
    v_pruned bigint := 0;
    v_schedules record;
    v_prune record;
    v_result jsonb;
BEGIN
    IF min_interval_seconds IS NULL OR min_interval_seconds NOT BETWEEN 0 AND 86400 THEN
        RAISE EXCEPTION 'min_interval_seconds must be between 0 and 86400, not %',
            min_interval_seconds
            USING ERRCODE = '22023';
    END IF;
    IF unless_pg_cron IS NULL THEN
        RAISE EXCEPTION 'unless_pg_cron must be true or false, not null'
            USING ERRCODE = '22023';
    END IF;
    IF unless_pg_cron AND jobs_internal.maintenance_mode() = 'pg_cron' THEN
        RETURN jsonb_build_object('ran', FALSE, 'reason', 'pg_cron runs maintenance here');
    END IF;
    -- One run at a time; a second caller returns at once.
    IF NOT pg_try_advisory_xact_lock('jobs.maintenance'::regclass::oid::bigint) THEN
        RETURN jsonb_build_object(
            'ran', FALSE, 'reason', 'another maintenance run is in progress'
        );
    END IF;
    SELECT * INTO v_last FROM jobs.maintenance;
    IF v_last.started_at > now() - make_interval(secs => min_interval_seconds) THEN
        RETURN jsonb_build_object(
            'ran', FALSE,
            'reason', format(
                'maintenance ran %s s ago',
                round(extract(EPOCH FROM now() - v_last.started_at)::numeric, 1)
            )
        );
    END IF;

    -- Jobs whose worker stopped heartbeating, in every queue.
    LOOP
        v_batch := cardinality(jobs_internal.rescue_expired_leases(NULL));
        v_rescued := v_rescued + v_batch;
        EXIT WHEN v_batch < 1000 OR v_rescued >= 10000;
    END LOOP;

    SELECT * INTO v_schedules FROM jobs_internal.fire_due_schedules();

    -- Scheduled jobs that came due (a claim takes them directly too).
    LOOP
        v_batch := jobs_internal.promote_due_jobs();
        v_promoted := v_promoted + v_batch;
        EXIT WHEN v_batch < 1000 OR v_promoted >= 10000;
    END LOOP;

    -- Expiry and each queue's retention, at most 50,000 jobs a run.
    LOOP
        v_batch := 0;
        FOR v_prune IN SELECT * FROM api.prune_jobs(10000) LOOP
            v_batch := v_batch + v_prune.deleted;
            IF v_prune.reason = 'expired' THEN
                v_expired := v_expired + v_prune.deleted;
            ELSE
                v_pruned := v_pruned + v_prune.deleted;
            END IF;
        END LOOP;
        EXIT WHEN v_batch < 10000 OR v_expired + v_pruned >= 50000;
    END LOOP;

    v_result := jsonb_build_object(
        'ran', TRUE,
        'started_at', v_start,
        'leases_rescued', v_rescued,
        'schedules_fired', v_schedules.fired,
        'missed_skipped', v_schedules.skipped,
        'jobs_queued', v_promoted,
        'jobs_expired', v_expired,
        'jobs_pruned', v_pruned,
        'count_rows_folded', jobs_internal.fold_queue_counts(),
        'history_rows_folded', jobs_internal.fold_history(),
        'history_rows_deleted', jobs_internal.prune_history()
    );
    v_result := v_result || jsonb_build_object(
        'duration_ms',
        round((extract(EPOCH FROM clock_timestamp() - v_start) * 1000)::numeric, 1)
    );
    UPDATE jobs.maintenance
    SET
        started_at = v_start,
        finished_at = clock_timestamp(),
        result = v_result,
        runs = runs + 1;
    RETURN v_result;
END;
$$;

COMMENT ON FUNCTION api.run_maintenance(integer, boolean) IS
$$Run maintenance now

The housekeeping that keeps jobsapi running unattended, in one call: rescues jobs whose lease expired (every queue), enqueues the jobs of recurring schedules that are due, queues scheduled jobs that came due, deletes expired jobs and those beyond each queue's retention (never the newest completed run of a name, nor a job whose retries or follow-ups still run), folds the counts and history ledgers, and deletes run history older than history_days. Each action works in bounded batches. pg_cron runs it every minute where it is installed; else `jobsapi worker` and `jobsapi maintain` do. One run at a time: a concurrent caller gets {"ran": false} at once, as does a call within min_interval_seconds (0-86400, default 0) of the last run, and one with unless_pg_cron = true where pg_cron runs it. Answers what it did: {ran, started_at, duration_ms, leases_rescued, schedules_fired, missed_skipped, jobs_queued, jobs_expired, jobs_pruned, count_rows_folded, history_rows_folded, history_rows_deleted}; the last run's answer is also in GET /maintenance.$$;
