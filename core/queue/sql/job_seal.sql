-- Declare that no more tasks will be added to a job, and finish it if its tasks are all
-- final already (the task trigger only finishes sealed jobs).
-- :tenant  owner
-- :job_id  the job
-- :now     ms since the epoch
UPDATE jobs SET
  sealed = 1,
  state = CASE
    WHEN done + failed + cancelled < total THEN state
    WHEN failed > 0 THEN 'failed'
    ELSE 'succeeded'
  END,
  finished_at = CASE WHEN done + failed + cancelled >= total THEN :now END,
  updated_at = :now
WHERE id = :job_id AND tenant = :tenant AND state IN ('queued', 'running')
RETURNING id
