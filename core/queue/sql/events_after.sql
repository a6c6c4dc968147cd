-- A job's events after a given id, oldest first (resume point of an SSE stream).
-- :tenant    owner
-- :job_id    the job
-- :after_id  last event id the reader has (0 for all)
-- :limit     how many at most
SELECT e.id, e.job_id, e.type, e.task_id, e.cid, e.data, e.at
FROM events AS e JOIN jobs AS j ON j.id = e.job_id
WHERE e.job_id = :job_id AND j.tenant = :tenant AND e.id > :after_id
ORDER BY e.id
LIMIT :limit
