-- The job a submission resolved to: the new one, or the one holding the idempotency key.
-- :job_id           the id the submission tried to insert
-- :tenant           owner
-- :idempotency_key  the submitter's key, or null
SELECT id, payload_hash FROM jobs
WHERE id = :job_id OR (tenant = :tenant AND idempotency_key = :idempotency_key)
