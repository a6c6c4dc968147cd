-- Tube runs still being coordinated: not sealed, not cancelled, oldest first. A coordinator
-- that (re)starts picks these up; CID-named tasks make picking one up twice harmless. A
-- run whose runner is a local process (`noob run --runner queued`, payload runner 'local')
-- is that process's to drive, not a coordinator's.
-- :limit  how many at most
SELECT id, tenant, payload
FROM jobs
WHERE kind = 'tube' AND sealed = 0 AND state IN ('queued', 'running')
  AND json_extract(payload, '$.runner') IS NOT 'local'
ORDER BY created_at, id
LIMIT :limit
