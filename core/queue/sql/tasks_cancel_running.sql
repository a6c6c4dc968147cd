-- Flag the running tasks of a cancelled job: their holders learn it at their next
-- heartbeat (or completion), and an expired lease ends as cancelled, not requeued.
-- :tenant  owner
-- :job_id  the job
-- :now     ms since the epoch
UPDATE tasks SET cancel_requested = 1, updated_at = :now
WHERE job_id = :job_id AND state = 'leased'
  AND EXISTS (SELECT 1 FROM jobs WHERE id = :job_id AND tenant = :tenant AND state = 'cancelled')
