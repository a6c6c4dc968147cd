-- The coordinator looks for tube runs to drive after every burst of commits: find them
-- without scanning every job the queue ever had.
CREATE INDEX jobs_open_tube ON jobs (created_at, id)
WHERE kind = 'tube' AND sealed = 0 AND state IN ('queued', 'running')
