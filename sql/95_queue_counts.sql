-- Recount the queue-count ledger on every deploy: statements that ran
-- between a migration and this deploy's triggers are counted too.
-- Depends on: 20_internals/counts.sql.
SELECT jobs_internal.rebuild_queue_counts();
