-- A job: a tube run (kind 'tube', payload {tube, inputs, epochs}) or a plain set of tasks
-- (kind 'tasks'). Progress counters are kept by the task triggers, so reading a job's
-- progress never scans its tasks. `sealed` = 0 while a coordinator may still add tasks
-- (a tube run expands epoch by epoch); a job finishes only once sealed.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('tube', 'tasks')),
  payload TEXT NOT NULL,
  payload_hash TEXT NOT NULL,
  priority INTEGER NOT NULL,
  idempotency_key TEXT,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  sealed INTEGER NOT NULL DEFAULT 1,
  total INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  cancelled INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
)
