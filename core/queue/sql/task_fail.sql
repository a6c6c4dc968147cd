-- Record a failed attempt by the lease holder. A retryable failure with attempts left
-- goes back to the queue after an exponential backoff with jitter,
-- min(max_backoff, base * 2^(attempts-1)) * (1 - jitter/2 … 1); otherwise the task is
-- dead-lettered and keeps the error. Rank is recomputed from the new ready time.
-- :worker_id        the worker reporting
-- :task_id          the task
-- :error            JSON {name, message, details}
-- :retryable        1 to retry while attempts remain, 0 to dead-letter now
-- :backoff_base_ms  first backoff
-- :backoff_max_ms   backoff cap
-- :jitter           a random number in [0, 1)
-- :aging_ms         waiting this long is worth one priority level
-- :now              ms since the epoch
UPDATE tasks SET
  state = CASE
    WHEN cancel_requested = 1 THEN 'cancelled'
    WHEN :retryable = 1 AND attempts < max_attempts THEN 'queued'
    ELSE 'dead'
  END,
  error = :error,
  run_at = :now + CAST(
    min(:backoff_max_ms, :backoff_base_ms * (1 << min(attempts - 1, 40))) * (1 - :jitter / 2.0)
    AS INTEGER),
  rank = priority * :aging_ms + :now + CAST(
    min(:backoff_max_ms, :backoff_base_ms * (1 << min(attempts - 1, 40))) * (1 - :jitter / 2.0)
    AS INTEGER),
  lease_expires_at = NULL,
  finished_at = CASE
    WHEN cancel_requested = 1 OR :retryable = 0 OR attempts >= max_attempts THEN :now
  END,
  updated_at = :now
WHERE id = :task_id AND state = 'leased' AND lease_owner = :worker_id
RETURNING id, state, run_at, attempts
