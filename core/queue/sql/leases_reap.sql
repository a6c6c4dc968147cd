-- Return tasks whose lease expired to the queue, keeping their rank (they were already
-- waiting their turn). A lost worker is not a node failure: the attempt it made is given
-- back, and the expiry counted instead. A task whose lease expired :max_expiries times is
-- dead-lettered (a task that keeps killing its workers must stop somewhere); one whose
-- job was cancelled becomes cancelled.
-- :max_expiries  lease expiries before a task is dead-lettered
-- :now           ms since the epoch
UPDATE tasks SET
  state = CASE
    WHEN cancel_requested = 1 THEN 'cancelled'
    WHEN lease_expiries + 1 >= :max_expiries THEN 'dead'
    ELSE 'queued'
  END,
  error = CASE
    WHEN cancel_requested = 1 THEN error
    ELSE json_object('name', 'LeaseExpiredError',
      'message', 'the lease of worker ' || lease_owner || ' expired before the task finished'
        || ' (' || (lease_expiries + 1) || ' of ' || CAST(:max_expiries AS INTEGER) || ' expiries allowed)')
  END,
  attempts = CASE WHEN cancel_requested = 1 OR lease_expiries + 1 >= :max_expiries
    THEN attempts ELSE max(attempts - 1, 0) END,
  lease_expiries = lease_expiries + 1,
  run_at = :now,
  lease_owner = NULL,
  lease_ms = NULL,
  lease_expires_at = NULL,
  finished_at = CASE WHEN cancel_requested = 1 OR lease_expiries + 1 >= :max_expiries
    THEN :now END,
  updated_at = :now
WHERE state = 'leased' AND lease_expires_at <= :now
