-- One task of a job by CID: its state and, when final, its result or error.
-- :tenant  owner
-- :job_id  the job
-- :cid     the task's CID
SELECT t.state, t.result, t.error
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE t.job_id = :job_id AND j.tenant = :tenant AND t.cid = :cid
