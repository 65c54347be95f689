-- Count the jobs into the queue-count ledger on the first deploy of sql/
-- into a database (jobs.deployed_file is empty): jobs written before the
-- counting triggers existed are counted too. A later deploy keeps the
-- triggers in place (CREATE OR REPLACE in one transaction), so no
-- statement goes uncounted and the recount, which holds writers off, is
-- not needed.
-- Depends on: 20_internals/counts.sql.
SELECT jobs_internal.rebuild_queue_counts()
WHERE NOT EXISTS (SELECT 1 FROM jobs.deployed_file);
