-- After job_retry: the reopened job's dead and cancelled tasks are queued again with their
-- attempts and lease expiries reset, ready now.
-- :tenant    owner
-- :job_id    the job
-- :aging_ms  waiting this long is worth one priority level
-- :now       ms since the epoch
UPDATE tasks SET
  state = 'queued',
  attempts = 0,
  lease_expiries = 0,
  error = NULL,
  result = NULL,
  cancel_requested = 0,
  lease_owner = NULL,
  lease_ms = NULL,
  lease_expires_at = NULL,
  run_at = :now,
  rank = priority * :aging_ms + :now,
  finished_at = NULL,
  updated_at = :now
WHERE job_id = :job_id AND state IN ('dead', 'cancelled')
  AND EXISTS (SELECT 1 FROM jobs WHERE id = :job_id AND tenant = :tenant AND state = 'queued')
