-- One job of a tenant, with its progress counters.
-- :tenant  owner
-- :job_id  the job
SELECT id, tenant, kind, payload, priority, idempotency_key, state, sealed, total, done,
  failed, cancelled, created_at, updated_at, finished_at
FROM jobs WHERE id = :job_id AND tenant = :tenant
