-- Workers seen by the queue, with their tags and the last time they claimed or
-- heartbeated (for GET /v1/workers and to spot dead workers).
CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  tags TEXT NOT NULL DEFAULT '[]',
  started_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
)
