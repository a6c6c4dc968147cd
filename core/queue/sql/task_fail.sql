-- Record a failed attempt by the lease holder. A retryable failure with attempts left
-- goes back to the queue after an exponential backoff with jitter,
-- min(max_backoff, base * 2^(attempts-1)) * (1 - jitter/2 … 1), where base and max are the
-- job's retry policy or else the queue's; otherwise the task is dead-lettered and keeps
-- the error. Rank is recomputed from the new ready time.
-- :worker_id        the worker reporting
-- :task_id          the task
-- :error            JSON {name, message, details}
-- :retryable        1 to retry while attempts remain, 0 to dead-letter now
-- :backoff_base_ms  first backoff of a job with no policy of its own
-- :backoff_max_ms   backoff cap of a job with no policy of its own
-- :jitter           a random number in [0, 1)
-- :aging_ms         waiting this long is worth one priority level
-- :now              ms since the epoch
UPDATE tasks SET
  state = CASE
    WHEN cancel_requested = 1 THEN 'cancelled'
    WHEN :retryable = 1 AND attempts < tasks.max_attempts THEN 'queued'
    ELSE 'dead'
  END,
  error = :error,
  run_at = :now + b.delay,
  rank = tasks.priority * :aging_ms + :now + b.delay,
  lease_expires_at = NULL,
  finished_at = CASE
    WHEN cancel_requested = 1 OR :retryable = 0 OR attempts >= tasks.max_attempts THEN :now
  END,
  updated_at = :now
FROM (
  SELECT CAST(
    min(coalesce(j.backoff_max_ms, :backoff_max_ms),
      coalesce(j.backoff_base_ms, :backoff_base_ms) * (1 << min(t.attempts - 1, 40)))
    * (1 - :jitter / 2.0) AS INTEGER) AS delay
  FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
  WHERE t.id = :task_id
) AS b
WHERE tasks.id = :task_id AND tasks.state = 'leased' AND tasks.lease_owner = :worker_id
RETURNING id, state, run_at, attempts
