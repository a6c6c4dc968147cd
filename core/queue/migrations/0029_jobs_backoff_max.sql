-- A job's retry policy: the longest retry delay of its tasks (equal to backoff_base_ms for a
-- fixed backoff). NULL: the queue's default.
ALTER TABLE jobs ADD COLUMN backoff_max_ms INTEGER
