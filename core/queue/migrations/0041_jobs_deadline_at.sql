-- When a job that was retried must be finished by (ms since the epoch): the retry's time
-- plus the payload's timeoutMs. NULL for a job never retried: its deadline is created_at
-- plus the payload's timeoutMs (none without one). A coordinator fails a job past it.
ALTER TABLE jobs ADD COLUMN deadline_at INTEGER
