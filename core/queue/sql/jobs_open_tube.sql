-- Tube runs still being coordinated: not sealed, not cancelled, oldest first. A coordinator
-- that (re)starts picks these up; CID-named tasks make picking one up twice harmless.
-- :limit  how many at most
SELECT id, tenant, payload
FROM jobs
WHERE kind = 'tube' AND sealed = 0 AND state IN ('queued', 'running')
ORDER BY created_at, id
LIMIT :limit
