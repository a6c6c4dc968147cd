-- Several tasks of a job by CID in one read (a runner waiting for many calls): each one's
-- CID, state and, when final, its result or error. CIDs the job has no task for are absent.
-- :tenant  owner
-- :job_id  the job
-- :cids    JSON array of the CIDs
SELECT t.cid, t.state, t.result, t.error
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE t.job_id = :job_id AND j.tenant = :tenant
  AND t.cid IN (SELECT value FROM json_each(:cids))
