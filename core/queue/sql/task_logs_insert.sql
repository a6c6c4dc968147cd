-- Keep what node calls printed, from the worker holding their tasks' leases only (a late
-- report of a lost lease keeps nothing, as its result is not taken either). Run before
-- the statement that finishes the tasks, in the same transaction. Job, node and epoch
-- come from the task.
-- :worker_id  the reporting worker
-- :logs       JSON array of {task, stream, text, at}, in the order they were printed
INSERT INTO task_logs (job_id, task_id, node_id, epoch, stream, text, at)
SELECT t.job_id, t.id, coalesce(t.node_id, ''), coalesce(t.epoch, ''),
  l.value ->> '$.stream', l.value ->> '$.text', l.value ->> '$.at'
FROM json_each(:logs) AS l JOIN tasks AS t ON t.id = l.value ->> '$.task'
WHERE t.state = 'leased' AND t.lease_owner = :worker_id
ORDER BY l.key
