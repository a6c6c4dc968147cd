-- Extend the leases a worker still holds by their lease length; returns the ids still
-- held (the others were lost: expired and reclaimed, or finished).
-- :worker_id  the heartbeating worker
-- :task_ids   JSON array of the task ids it is running
-- :now        ms since the epoch
UPDATE tasks SET lease_expires_at = :now + lease_ms, updated_at = :now
WHERE id IN (SELECT value FROM json_each(:task_ids))
  AND state = 'leased' AND lease_owner = :worker_id
RETURNING id
