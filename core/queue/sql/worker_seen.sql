-- Register a worker or refresh its last-seen time (and tags, when given). A worker seen
-- within the last second is left alone: claims and reports come many per second, and a
-- write skipped is a page less to commit (liveness is judged in tens of seconds).
-- :worker_id  the worker
-- :tags       JSON array of its tags, or null to keep the stored ones
-- :now        ms since the epoch
INSERT INTO workers (id, tags, started_at, last_seen_at)
VALUES (:worker_id, coalesce(:tags, '[]'), :now, :now)
ON CONFLICT (id) DO UPDATE SET
  tags = coalesce(:tags, workers.tags),
  last_seen_at = :now
WHERE workers.last_seen_at <= :now - 1000 OR coalesce(:tags, workers.tags) <> workers.tags
