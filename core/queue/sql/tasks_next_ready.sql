-- What an idle worker needs to know without writing: whether a task it may take is ready
-- now, when the next queued task becomes ready, and when the next lease expires (an
-- expired lease returns its task to the queue at the next claim).
-- :tags  JSON array of the worker's tags
-- :now   ms since the epoch
SELECT
  EXISTS (
    SELECT 1 FROM tasks AS t
    WHERE t.state = 'queued' AND t.run_at <= :now
      AND (t.tags = '[]' OR NOT EXISTS (
        SELECT 1 FROM json_each(t.tags) AS need
        WHERE need.value NOT IN (SELECT have.value FROM json_each(:tags) AS have)
      ))
  ) AS ready,
  (SELECT min(w.run_at) FROM tasks AS w WHERE w.state = 'queued' AND w.run_at > :now)
    AS next_run_at,
  (SELECT min(l.lease_expires_at) FROM tasks AS l WHERE l.state = 'leased') AS next_expiry
