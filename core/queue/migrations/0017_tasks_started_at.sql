-- When the task's current attempt was claimed (for wait and run time histograms).
ALTER TABLE tasks ADD COLUMN started_at INTEGER
