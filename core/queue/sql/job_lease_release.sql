-- Give a run's lease back on purpose (a clean stop, a run parked for want of workers):
-- any coordinator may take it at once, and taking it counts no loss.
-- :job_id  the run
-- :owner   the coordinator giving it back
UPDATE job_leases SET expires_at = 0 WHERE job_id = :job_id AND owner = :owner
