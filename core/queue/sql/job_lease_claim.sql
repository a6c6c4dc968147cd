-- Take a tube run's lease for a coordinator: when no one holds it, its holder gave it
-- back (expires_at = 0) or let it expire, or the asking coordinator held it before a
-- restart. Taking over a lease that was not given back counts a loss. No row returned:
-- another coordinator holds it.
-- :job_id    the run
-- :owner     the claiming coordinator
-- :lease_ms  lease length; renewals extend it by as much
-- :now       ms since the epoch
INSERT INTO job_leases (job_id, owner, expires_at, losses)
VALUES (:job_id, :owner, :now + :lease_ms, 0)
ON CONFLICT (job_id) DO UPDATE SET
  owner = :owner,
  expires_at = :now + :lease_ms,
  losses = job_leases.losses + (job_leases.expires_at > 0)
WHERE job_leases.expires_at <= :now OR job_leases.owner = :owner
RETURNING losses
