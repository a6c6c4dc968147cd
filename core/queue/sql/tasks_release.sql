-- A worker gives back tasks it claimed but did not start (it is stopping): they return to
-- the queue at once, keeping their rank, and the claim does not count as an attempt. A
-- task whose job was cancelled meanwhile becomes cancelled.
-- :worker_id  the releasing worker
-- :task_ids   JSON array of task ids
-- :now        ms since the epoch
UPDATE tasks SET
  state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'queued' END,
  attempts = attempts - 1,
  lease_owner = NULL,
  lease_ms = NULL,
  lease_expires_at = NULL,
  started_at = NULL,
  finished_at = CASE WHEN cancel_requested = 1 THEN :now END,
  updated_at = :now
WHERE id IN (SELECT value FROM json_each(:task_ids))
  AND state = 'leased' AND lease_owner = :worker_id
RETURNING id
