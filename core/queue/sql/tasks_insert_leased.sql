-- Store tasks of a new job already leased to a worker of this process: one that was idle,
-- with nothing ready for it, and was handed them before this transaction committed (see
-- core/queue/handoff.ts). As tasks_insert otherwise, for tasks ready now; the columns a
-- claim sets are set here, and each stored task's id is returned by CID.
-- :job_id        the job
-- :tasks         JSON array of {cid, input (JSON text), and optionally nodeId, epoch, priority (else the job's), tags (JSON text, else none), maxAttempts (else :max_attempts)}
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
  SELECT s.value ->> '$.cid' AS cid, s.value ->> '$.nodeId' AS node_id,
    s.value ->> '$.epoch' AS epoch, s.value ->> '$.input' AS input,
    coalesce(s.value ->> '$.priority', j.priority) AS priority,
    coalesce(s.value ->> '$.tags', '[]') AS tags,
    coalesce(s.value ->> '$.maxAttempts', :max_attempts) AS max_attempts
  FROM json_each(:tasks) AS s, jobs AS j
  WHERE j.id = :job_id AND j.state IN ('queued', 'running')
  ORDER BY s.key
) AS t
WHERE true
ON CONFLICT (job_id, cid) DO NOTHING
RETURNING id, cid
