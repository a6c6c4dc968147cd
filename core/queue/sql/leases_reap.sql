-- Return tasks whose lease expired to the queue, keeping their rank (they were already
-- waiting their turn). A task that used its last attempt is dead-lettered instead (a
-- task that keeps killing its workers must stop somewhere); one whose job was cancelled
-- becomes cancelled.
-- :now  ms since the epoch
UPDATE tasks SET
  state = CASE
    WHEN cancel_requested = 1 THEN 'cancelled'
    WHEN attempts >= max_attempts THEN 'dead'
    ELSE 'queued'
  END,
  error = CASE
    WHEN cancel_requested = 1 THEN error
    ELSE json_object('name', 'LeaseExpiredError',
      'message', 'the lease of worker ' || lease_owner || ' expired before the task finished')
  END,
  run_at = :now,
  lease_owner = NULL,
  lease_ms = NULL,
  lease_expires_at = NULL,
  finished_at = CASE WHEN cancel_requested = 1 OR attempts >= max_attempts THEN :now END,
  updated_at = :now
WHERE state = 'leased' AND lease_expires_at <= :now
