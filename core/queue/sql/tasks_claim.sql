-- Lease up to :max ready tasks to one worker, in rank order (priority with aging), in one
-- statement: the subquery picks, the UPDATE takes, both under the same write lock, so two
-- workers never get the same task. Affinity: every tag the task requires must be among
-- the worker's tags.
-- :worker_id  the claiming worker
-- :tags       JSON array of the worker's tags
-- :max        how many tasks at most
-- :lease_ms   lease length; heartbeats extend it by as much
-- :mark       this claim's random mark (the statements after it find its tasks by it, and
--             claimed_tasks reads them back)
-- :now        ms since the epoch
UPDATE tasks SET
  state = 'leased',
  lease_owner = :worker_id,
  lease_ms = :lease_ms,
  lease_expires_at = :now + :lease_ms,
  attempts = attempts + 1,
  mark = :mark,
  started_at = :now,
  updated_at = :now
WHERE id IN (
  SELECT t.id FROM tasks AS t
  WHERE t.state = 'queued' AND t.run_at <= :now
    AND (t.tags = '[]' OR NOT EXISTS (
      SELECT 1 FROM json_each(t.tags) AS need
      WHERE need.value NOT IN (SELECT have.value FROM json_each(:tags) AS have)
    ))
  ORDER BY t.rank, t.id
  LIMIT :max
)
