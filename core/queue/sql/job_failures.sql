-- The first failures of a job's dead-lettered tasks (a job's status names one).
-- :tenant  owner
-- :job_id  the job
-- :limit   how many at most
SELECT t.id, t.cid, t.node_id, t.epoch, t.state, t.attempts, t.result, t.error
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE t.job_id = :job_id AND j.tenant = :tenant AND t.state = 'dead'
ORDER BY t.id
LIMIT :limit
