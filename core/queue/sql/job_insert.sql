-- Store a new job; returns its id once stored. With an idempotency key already used by the
-- tenant, nothing is inserted (the unique index resolves concurrent double submissions),
-- no row is returned, and job_get_submitted returns the existing job instead.
-- :job_id           a fresh job id
-- :tenant           owner of the job
-- :kind             'tube' | 'tasks'
-- :payload          JSON of the job's payload
-- :payload_hash     hash of the canonical submission, to detect key reuse with other content
-- :priority         0 (CRITICAL) … 3 (LOW)
-- :idempotency_key  the submitter's key, or null
-- :sealed           1 when no task will be added later
-- :retry_attempts   attempts per task of this job (null: the queue's default)
-- :retry_backoff_ms first retry delay (null: the queue's default)
-- :retry_backoff_max_ms  longest retry delay (null: the queue's default)
-- :traceparent      W3C traceparent of the submitting span (null: not traced)
-- :now              ms since the epoch
INSERT INTO jobs (id, tenant, kind, payload, payload_hash, priority, idempotency_key, sealed,
  max_attempts, backoff_base_ms, backoff_max_ms, traceparent, created_at, updated_at)
VALUES (:job_id, :tenant, :kind, :payload, :payload_hash, :priority, :idempotency_key, :sealed,
  :retry_attempts, :retry_backoff_ms, :retry_backoff_max_ms, :traceparent, :now, :now)
ON CONFLICT DO NOTHING
RETURNING id
