-- Streaming reads one job's events after an id.
CREATE INDEX events_job ON events (job_id, id)
