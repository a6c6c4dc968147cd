-- The events log, for streaming a job's progress. `id` is AUTOINCREMENT so it is never
-- reused and only grows: per job it is monotonic, and an SSE stream resumes from
-- Last-Event-ID with `id > :after_id`.
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  task_id INTEGER,
  cid TEXT,
  data TEXT NOT NULL DEFAULT '{}',
  at INTEGER NOT NULL
)
