-- Right after completed_events, in the same transaction: count the accepted results into
-- their jobs, and finish a sealed job whose tasks are now all final. The counts come from
-- the `tasks.succeeded` events completed_events just logged, one per job: the rows
-- numbered up to last_insert_rowid() and changes() of them (none when it logged none), so
-- this reads a row per job instead of looking up every task of the completion again.
-- Cancelled tasks are counted by the task_state_changed trigger.
-- :now          the completion's time
UPDATE jobs SET
  done = done + c.n,
  state = CASE
    WHEN sealed = 1 AND state IN ('queued', 'running') AND done + c.n + failed + cancelled >= total
      THEN CASE WHEN failed > 0 THEN 'failed' ELSE 'succeeded' END
    ELSE state
  END,
  finished_at = CASE
    WHEN sealed = 1 AND state IN ('queued', 'running') AND done + c.n + failed + cancelled >= total
      THEN :now
    ELSE finished_at
  END,
  updated_at = :now
FROM (
  SELECT e.job_id, e.data ->> '$.count' AS n FROM events AS e
  WHERE e.id > last_insert_rowid() - changes() AND e.id <= last_insert_rowid()
    AND e.type = 'tasks.succeeded'
) AS c
WHERE jobs.id = c.job_id
