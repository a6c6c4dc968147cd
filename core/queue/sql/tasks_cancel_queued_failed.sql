-- Cancel the queued tasks of a job that failed with an error outcome: nobody waits for them.
-- :tenant  owner
-- :job_id  the job
-- :now     ms since the epoch
UPDATE tasks SET state = 'cancelled', finished_at = :now, updated_at = :now
WHERE job_id = :job_id AND state = 'queued'
  AND EXISTS (
    SELECT 1 FROM jobs
    WHERE id = :job_id AND tenant = :tenant AND state = 'failed' AND outcome ->> '$.error' IS NOT NULL
  )
