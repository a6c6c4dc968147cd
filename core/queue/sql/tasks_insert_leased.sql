-- Store tasks of a new job already leased to a worker of this process: one that was idle,
-- with nothing ready for it, and was handed them before this transaction committed (see
-- core/queue/handoff.ts). As tasks_insert otherwise (rows as there; the delay is unused,
-- these tasks are ready now); the columns a claim sets are set here, and each stored
-- task's id is returned with its CID.
-- :job_id        the job
-- :max_attempts  attempts of a task that names none
-- :aging_ms      waiting this long is worth one priority level (rank = priority * aging_ms + run_at)
-- :worker_id     the worker they are leased to
-- :lease_ms      lease length; heartbeats extend it by as much
-- :mark          the hand-off's random mark (claimed_events and claimed_jobs_running find them by it)
-- :now           ms since the epoch
INSERT INTO tasks (job_id, cid, node_id, epoch, input, priority, tags, run_at, rank,
  max_attempts, state, lease_owner, lease_ms, lease_expires_at, attempts, mark, started_at,
  created_at, updated_at)
SELECT :job_id, t.cid, t.node_id, t.epoch, t.input, t.priority, t.tags, :now,
  t.priority * :aging_ms + :now, t.max_attempts, 'leased', :worker_id, :lease_ms,
  :now + :lease_ms, 1, :mark, :now, :now, :now
FROM (
  SELECT v.column1 AS cid, v.column2 AS input, v.column3 AS node_id, v.column4 AS epoch,
    coalesce(v.column5, j.priority) AS priority, coalesce(v.column6, '[]') AS tags,
    coalesce(v.column8, :max_attempts) AS max_attempts
  FROM (VALUES (?, ?, ?, ?, ?, ?, ?, ?)) AS v, jobs AS j
  WHERE j.id = :job_id AND j.state IN ('queued', 'running')
) AS t
WHERE true
ON CONFLICT (job_id, cid) DO NOTHING
RETURNING id, cid
