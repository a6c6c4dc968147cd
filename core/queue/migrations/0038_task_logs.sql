-- What node calls printed (console.log, console.error, writes to stdout and stderr), kept
-- with their job: one row per captured write, bounded per task by the worker. `task_id`
-- is null for a call its job's coordinator made itself (a stateful node). `id` is
-- AUTOINCREMENT so it only grows: `GET /v1/jobs/:id/logs?after=` and the event stream
-- resume from the last id seen.
CREATE TABLE task_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  task_id INTEGER,
  node_id TEXT NOT NULL,
  epoch TEXT NOT NULL,
  stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
  text TEXT NOT NULL,
  at INTEGER NOT NULL
)
