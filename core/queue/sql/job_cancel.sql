-- Cancel a job that is not final yet. Run before cancelling its tasks, so the task
-- trigger does not finish it as succeeded meanwhile.
-- :tenant  owner
-- :job_id  the job
-- :now     ms since the epoch
UPDATE jobs SET state = 'cancelled', finished_at = :now, updated_at = :now
WHERE id = :job_id AND tenant = :tenant AND state IN ('queued', 'running')
RETURNING id
