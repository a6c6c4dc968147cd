-- Keep what calls made outside any task printed (a stateful node its job's coordinator
-- runs itself), for a tenant's job.
-- :tenant  owner
-- :job_id  the job
-- :logs    JSON array of {node, epoch, stream, text, at}, in the order they were printed
INSERT INTO task_logs (job_id, task_id, node_id, epoch, stream, text, at)
SELECT j.id, NULL, l.value ->> '$.node', l.value ->> '$.epoch',
  l.value ->> '$.stream', l.value ->> '$.text', l.value ->> '$.at'
FROM json_each(:logs) AS l JOIN jobs AS j ON j.id = :job_id AND j.tenant = :tenant
ORDER BY l.key
