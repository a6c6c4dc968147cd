-- Accept results, each only from the current lease holder and only once: a task no
-- longer leased to this worker is left alone. A task whose job was cancelled while it
-- ran becomes cancelled and its result is dropped. completed_accepted reads back which
-- results were taken.
-- :worker_id    the worker reporting
-- :completions  JSON array of {id, result (JSON text)}
-- :mark         this completion's random mark (the statements after it find its tasks by it)
-- :now          ms since the epoch
UPDATE tasks SET
  state = CASE WHEN tasks.cancel_requested = 1 THEN 'cancelled' ELSE 'succeeded' END,
  result = CASE WHEN tasks.cancel_requested = 1 THEN NULL ELSE c.result END,
  error = NULL,
  lease_expires_at = NULL,
  finished_at = :now,
  mark = :mark,
  updated_at = :now
FROM (
  SELECT j.value ->> '$.id' AS id, j.value ->> '$.result' AS result
  FROM json_each(:completions) AS j
) AS c
WHERE tasks.id = c.id AND tasks.state = 'leased' AND tasks.lease_owner = :worker_id
