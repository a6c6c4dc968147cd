-- A task: one node call in one epoch, named by its CID. (job_id, cid) is unique so a
-- duplicate submission of the same call is stored once.
-- `priority` is 0 (CRITICAL) … 3 (LOW). `rank` = priority * aging_ms + the time the task
-- became ready: claiming in rank order is priority order with aging (waiting aging_ms
-- is worth one priority level), and it is indexable because it does not depend on now.
-- `tags` is a JSON array of required worker tags. `error` is a JSON {name, message, details}.
CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  cid TEXT NOT NULL,
  node_id TEXT,
  epoch TEXT,
  input TEXT NOT NULL,
  priority INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'leased', 'succeeded', 'dead', 'cancelled')),
  run_at INTEGER NOT NULL,
  rank INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  lease_owner TEXT,
  lease_ms INTEGER,
  lease_expires_at INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  result TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  UNIQUE (job_id, cid)
)
