-- A heartbeat is where the holder of a running task learns its job was cancelled: those
-- of its tasks become cancelled and their ids are returned.
-- :worker_id  the heartbeating worker
-- :task_ids   JSON array of the task ids it is running
-- :now        ms since the epoch
UPDATE tasks SET
  state = 'cancelled',
  lease_expires_at = NULL,
  finished_at = :now,
  updated_at = :now
WHERE id IN (SELECT value FROM json_each(:task_ids))
  AND state = 'leased' AND lease_owner = :worker_id AND cancel_requested = 1
RETURNING id
