-- After tasks_claim, in the same transaction: a job whose first task was just claimed
-- starts running (once per job per claim, not per task).
-- :mark      the claim's mark
-- :lease_ms  the claim's lease length
-- :now       the claim's time
UPDATE jobs SET state = 'running', updated_at = :now
WHERE state = 'queued' AND id IN (
  SELECT t.job_id FROM tasks AS t
  WHERE t.state = 'leased' AND t.lease_expires_at = :now + :lease_ms AND t.mark = :mark
)
