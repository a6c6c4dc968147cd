-- A job's retry policy (`retry.backoff.delayMs`): the first retry delay of its tasks, doubled
-- per attempt. NULL: the queue's default.
ALTER TABLE jobs ADD COLUMN backoff_base_ms INTEGER
