-- The final outcomes of a job's tasks: results of succeeded ones, errors of dead ones.
-- :tenant  owner
-- :job_id  the job
SELECT t.id, t.cid, t.node_id, t.epoch, t.state, t.attempts, t.result, t.error
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE t.job_id = :job_id AND j.tenant = :tenant AND t.state IN ('succeeded', 'dead')
ORDER BY t.id
