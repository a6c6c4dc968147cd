-- Reopen a failed job for tasks_retry: it is queued again without its outcome (a tube run
-- unsealed, for a coordinator to run again: its succeeded calls are reused by CID), and
-- its dead and cancelled tasks leave the counters they are about to leave as tasks.
-- Run before tasks_retry, so the task trigger does not finish the job meanwhile. A tube
-- run's timeoutMs (in its payload) counts again from now.
-- :tenant  owner
-- :job_id  the job
-- :now     ms since the epoch
UPDATE jobs SET
  state = 'queued',
  outcome = NULL,
  sealed = CASE WHEN kind = 'tube' THEN 0 ELSE sealed END,
  failed = failed - (SELECT count(*) FROM tasks WHERE job_id = :job_id AND state = 'dead'),
  cancelled = cancelled
    - (SELECT count(*) FROM tasks WHERE job_id = :job_id AND state = 'cancelled'),
  finished_at = NULL,
  -- A per-job timeout counts again from the retry (NULL: the job has none).
  deadline_at = :now + json_extract(payload, '$.timeoutMs'),
  updated_at = :now
WHERE id = :job_id AND tenant = :tenant AND state = 'failed'
RETURNING id
