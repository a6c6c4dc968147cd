-- After tasks_complete, in the same transaction: one `tasks.succeeded` event per job for
-- the results this completion accepted.
-- :worker_id    the reporting worker
-- :task_ids     the completion's task ids (JSON array)
-- :mark         the completion's mark
-- :now          the completion's time
INSERT INTO events (job_id, type, data, at)
SELECT t.job_id, 'tasks.succeeded',
  json_object('worker', :worker_id, 'count', count(*),
    'tasks', json_group_array(json_object('id', t.id, 'cid', t.cid, 'node', t.node_id, 'epoch', t.epoch,
      'attempt', t.attempts))),
  :now
FROM tasks AS t
WHERE t.id IN (SELECT j.value FROM json_each(:task_ids) AS j)
  AND t.mark = :mark AND t.state = 'succeeded'
GROUP BY t.job_id
