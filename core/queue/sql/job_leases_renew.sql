-- Extend the leases a coordinator still holds; returns the runs still held (the others
-- were taken over after the lease expired).
-- :owner     the coordinator
-- :job_ids   JSON array of the runs it drives
-- :lease_ms  lease length
-- :now       ms since the epoch
UPDATE job_leases SET expires_at = :now + :lease_ms
WHERE owner = :owner AND job_id IN (SELECT value FROM json_each(:job_ids))
RETURNING job_id
