-- A job run on the peer network counts its node calls itself (they are not tasks in the
-- queue, so no trigger counts them): how many were sent to the peers, accepted, failed
-- and given up, written as the job's task counts. The run's counts replace the job's (a
-- run starts from zero: one resumed or retried counts again from its start), and only
-- for a job with no tasks, whose counters no trigger keeps. job_set_outcome finishes a
-- job once done + failed + cancelled reach total: the run's last counts are written
-- before its outcome.
-- :tenant     owner
-- :job_id     the job
-- :total      calls sent to the network
-- :done       calls whose answer was accepted
-- :failed     calls that failed (no quorum, the node's error)
-- :cancelled  calls given up (the run stopped, or no executor answered in time)
-- :now        ms since the epoch
UPDATE jobs SET
  total = :total,
  done = :done,
  failed = :failed,
  cancelled = :cancelled,
  state = CASE WHEN state = 'queued' THEN 'running' ELSE state END,
  updated_at = :now
WHERE id = :job_id AND tenant = :tenant AND state IN ('queued', 'running')
  AND NOT EXISTS (SELECT 1 FROM tasks WHERE job_id = :job_id)
