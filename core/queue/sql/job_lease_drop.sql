-- Forget a finished run's lease.
-- :job_id  the run
DELETE FROM job_leases WHERE job_id = :job_id
