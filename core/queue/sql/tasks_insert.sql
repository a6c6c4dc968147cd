-- Store a job's tasks. A CID already in the job is skipped (at-least-once delivery of the
-- same call is harmless). Nothing is stored when the job does not exist (an idempotent
-- resubmission whose job row was not inserted) or is already final. The row of VALUES is
-- a template, repeated once per task in submission order (sqlRows in sql.ts): SQLite reads
-- bound values, about a microsecond a task less than parsing the tasks out of JSON.
-- Each row: cid, input (JSON text), node id, epoch, priority (null: the job's), tags (JSON
-- text; null: none), delay in ms (null: none), attempts (null: the job's retry policy, else
-- :max_attempts). A job takes tasks only up to :max_tasks in all (a duplicate CID counts
-- against the room too); addTasks then fails with TooManyTasksError.
-- :job_id        the job
-- :max_attempts  attempts of a task that names none, in a job with no retry policy
-- :max_tasks     most tasks a job may hold
-- :aging_ms      waiting this long is worth one priority level (rank = priority * aging_ms + run_at)
-- :now           ms since the epoch
INSERT INTO tasks (job_id, cid, node_id, epoch, input, priority, tags, run_at, rank,
  max_attempts, created_at, updated_at)
SELECT :job_id, t.cid, t.node_id, t.epoch, t.input, t.priority, t.tags, t.run_at,
  t.priority * :aging_ms + t.run_at, t.max_attempts, :now, :now
FROM (
  SELECT v.column1 AS cid, v.column2 AS input, v.column3 AS node_id, v.column4 AS epoch,
    coalesce(v.column5, j.priority) AS priority, coalesce(v.column6, '[]') AS tags,
    :now + coalesce(v.column7, 0) AS run_at,
    coalesce(v.column8, j.max_attempts, :max_attempts) AS max_attempts
  FROM (VALUES (?, ?, ?, ?, ?, ?, ?, ?)) AS v, jobs AS j
  WHERE j.id = :job_id AND j.state IN ('queued', 'running')
) AS t
WHERE true
LIMIT coalesce((SELECT max(:max_tasks - total, 0) FROM jobs WHERE id = :job_id), 0)
ON CONFLICT (job_id, cid) DO NOTHING
