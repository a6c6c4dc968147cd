-- One job of a tenant, with its progress counters and recorded outcome.
-- :tenant  owner
-- :job_id  the job
SELECT id, tenant, kind, payload, priority, idempotency_key, state, sealed, total, done,
  failed, cancelled, created_at, updated_at, finished_at, outcome, epochs_done
FROM jobs WHERE id = :job_id AND tenant = :tenant
