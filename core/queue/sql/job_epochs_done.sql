-- A tube run's coordinator says how many root epochs it has finished (0 as it starts):
-- the count only grows (a coordinator resuming a job counts again from its start), and an
-- open job its coordinator is running is running, even before any task is leased.
-- :tenant  owner
-- :job_id  the job
-- :done    root epochs finished
-- :now     ms since the epoch
UPDATE jobs SET
  epochs_done = max(epochs_done, :done),
  state = CASE WHEN state = 'queued' THEN 'running' ELSE state END,
  updated_at = :now
WHERE id = :job_id AND tenant = :tenant AND state IN ('queued', 'running')
