-- Store a job's tasks in one statement from a JSON array. A CID already in the job is
-- skipped (at-least-once delivery of the same call is harmless). Nothing is stored when
-- the job does not exist (an idempotent resubmission whose job row was not inserted) or
-- is already final. A task carries only what differs from the defaults filled in here.
-- :job_id        the job
-- :tasks         JSON array of {cid, input (JSON text), and optionally nodeId, epoch, priority (else the job's), tags (JSON text, else none), delayMs (else 0), maxAttempts (else :max_attempts)}
-- :max_attempts  attempts of a task that names none
-- :aging_ms      waiting this long is worth one priority level (rank = priority * aging_ms + run_at)
-- :now           ms since the epoch
INSERT INTO tasks (job_id, cid, node_id, epoch, input, priority, tags, run_at, rank,
  max_attempts, created_at, updated_at)
SELECT :job_id, t.cid, t.node_id, t.epoch, t.input, t.priority, t.tags, t.run_at,
  t.priority * :aging_ms + t.run_at, t.max_attempts, :now, :now
FROM (
  SELECT s.value ->> '$.cid' AS cid, s.value ->> '$.nodeId' AS node_id,
    s.value ->> '$.epoch' AS epoch, s.value ->> '$.input' AS input,
    coalesce(s.value ->> '$.priority', j.priority) AS priority,
    coalesce(s.value ->> '$.tags', '[]') AS tags,
    :now + coalesce(s.value ->> '$.delayMs', 0) AS run_at,
    coalesce(s.value ->> '$.maxAttempts', :max_attempts) AS max_attempts
  FROM json_each(:tasks) AS s, jobs AS j
  WHERE j.id = :job_id AND j.state IN ('queued', 'running')
  ORDER BY s.key
) AS t
WHERE true
ON CONFLICT (job_id, cid) DO NOTHING
