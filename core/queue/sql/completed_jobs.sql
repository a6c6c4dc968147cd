-- After tasks_complete, in the same transaction: count the accepted results into their
-- jobs (once per job, not per task), and finish a sealed job whose tasks are now all
-- final. Cancelled tasks are counted by the task_state_changed trigger.
-- :task_ids     the completion's task ids (JSON array)
-- :mark         the completion's mark
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
  SELECT t.job_id, count(*) AS n FROM tasks AS t
  WHERE t.id IN (SELECT j.value FROM json_each(:task_ids) AS j)
    AND t.mark = :mark AND t.state = 'succeeded'
  GROUP BY t.job_id
) AS c
WHERE jobs.id = c.job_id
