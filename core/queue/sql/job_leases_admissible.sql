-- Tube runs a coordinator may take up: open, and not held by another coordinator's live
-- lease; at most :per_tenant per tenant (its most urgent, then oldest), so one tenant's
-- backlog cannot crowd the others out of the list. Numbered on the cheap columns first,
-- payloads read for the few kept only. A run whose runner is a local process
-- (`noob run --runner queued`, payload runner 'local') is that process's to drive.
-- :owner       the asking coordinator (its own leases, from before a restart, do not hide a run)
-- :now         ms since the epoch
-- :per_tenant  how many runs per tenant at most
-- Each run comes with its deadline_at (ms since the epoch, NULL for none): past it, the
-- coordinator fails it (see 0041_jobs_deadline_at.sql).
WITH open AS (
  SELECT j.id, j.tenant, j.priority, j.created_at, coalesce(l.losses + (l.expires_at > 0), 0) AS losses,
    row_number() OVER (PARTITION BY j.tenant ORDER BY j.priority, j.created_at, j.id) AS n
  FROM jobs AS j LEFT JOIN job_leases AS l ON l.job_id = j.id
  WHERE j.kind = 'tube' AND j.sealed = 0 AND j.state IN ('queued', 'running')
    AND (l.job_id IS NULL OR l.expires_at <= :now OR l.owner = :owner)
)
SELECT o.id, o.tenant, o.priority, o.losses, j.payload,
  coalesce(j.deadline_at, j.created_at + json_extract(j.payload, '$.timeoutMs')) AS deadline_at
FROM open AS o JOIN jobs AS j ON j.id = o.id
WHERE o.n <= :per_tenant AND json_extract(j.payload, '$.runner') IS NOT 'local'
ORDER BY o.priority, o.created_at, o.id
