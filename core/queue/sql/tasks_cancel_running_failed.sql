-- Flag the running tasks of a job that failed with an error outcome: their holders stop
-- at their next heartbeat, as for a cancelled job.
-- :tenant  owner
-- :job_id  the job
-- :now     ms since the epoch
UPDATE tasks SET cancel_requested = 1, updated_at = :now
WHERE job_id = :job_id AND state = 'leased'
  AND EXISTS (
    SELECT 1 FROM jobs
    WHERE id = :job_id AND tenant = :tenant AND state = 'failed' AND outcome ->> '$.error' IS NOT NULL
  )
