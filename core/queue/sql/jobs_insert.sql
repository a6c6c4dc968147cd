-- Store new jobs; returns the id of each one stored. The row of VALUES is a template,
-- repeated once per job (sqlRows in sql.ts): a group commit stores the jobs of the
-- submissions that hold nothing else in one statement (see group-commit.ts), about a
-- third less CPU a job than a statement each; rows are stored in order. A row whose
-- idempotency key the tenant already used is not inserted (the unique index resolves
-- concurrent double submissions) and returns nothing: job_get_submitted then finds the
-- job holding the key.
-- Each row: id (a fresh job id), tenant, kind ('tube' | 'tasks'), payload (JSON), payload
-- hash (of the canonical submission, to detect a key reused with other content), priority
-- (0 CRITICAL … 3 LOW), idempotency key (or null), sealed (1 when no task will be added
-- later), attempts per task, first retry delay ms, longest retry delay ms (each null: the
-- queue's default), W3C traceparent of the submitting span (null: not traced), then the
-- time in ms since the epoch twice (created, updated).
INSERT INTO jobs (id, tenant, kind, payload, payload_hash, priority, idempotency_key, sealed,
  max_attempts, backoff_base_ms, backoff_max_ms, traceparent, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING
RETURNING id
