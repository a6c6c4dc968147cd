-- The final outcomes among several tasks of a job by CID (a runner waiting for many
-- calls), only if the job's count of final tasks is not :seen (-1: always): a look that
-- would find nothing new reads only that count. The count's subquery does not depend on
-- the rows, so SQLite checks it once before looking at any task.
-- :tenant  owner
-- :job_id  the job
-- :cids    JSON array of the CIDs
-- :seen    the count of final tasks at the previous look, or -1
SELECT t.cid, t.state, t.result, t.error
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE (SELECT done + failed + cancelled FROM jobs WHERE id = :job_id) <> :seen
  AND t.job_id = :job_id AND j.tenant = :tenant
  AND t.cid IN (SELECT value FROM json_each(:cids))
  AND t.state IN ('succeeded', 'dead', 'cancelled')
