-- Workers by most recently seen, as one tenant sees them: every worker serves every tenant
-- (so all are listed), but the tasks each holds count the tenant's own only.
-- :tenant  owner
SELECT w.id, w.tags, w.started_at, w.last_seen_at,
  (SELECT count(*) FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
   WHERE t.state = 'leased' AND t.lease_owner = w.id AND j.tenant = :tenant) AS leased
FROM workers AS w
ORDER BY w.last_seen_at DESC, w.id
