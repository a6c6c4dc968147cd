-- A tenant's dead-lettered tasks (the dead-letter list), newest failure first, optionally
-- of one job only.
-- :tenant  owner
-- :job_id  only this job's, or null for all of the tenant's
-- :limit   how many at most
SELECT t.id, t.job_id, t.cid, t.node_id, t.epoch, t.attempts, t.error, t.finished_at
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE t.state = 'dead' AND j.tenant = :tenant AND (:job_id IS NULL OR t.job_id = :job_id)
ORDER BY t.finished_at DESC, t.id DESC
LIMIT :limit
