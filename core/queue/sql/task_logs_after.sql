-- A tenant's job's log entries after a given id, oldest first (a page of
-- GET /v1/jobs/:id/logs, or what an event stream sends next).
-- :tenant    owner
-- :job_id    the job
-- :after_id  last entry id the reader has (0 for all)
-- :limit     how many at most
SELECT l.id, l.task_id, l.node_id, l.epoch, l.stream, l.text, l.at
FROM task_logs AS l JOIN jobs AS j ON j.id = l.job_id
WHERE l.job_id = :job_id AND j.tenant = :tenant AND l.id > :after_id
ORDER BY l.id
LIMIT :limit
