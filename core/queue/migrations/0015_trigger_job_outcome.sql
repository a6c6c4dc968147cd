-- Log the recorded outcome, so a stream of the job's events carries its results or error
-- (and a reader sees that a succeeded tube run now has its results).
CREATE TRIGGER job_outcome_recorded AFTER UPDATE OF outcome ON jobs
WHEN new.outcome IS NOT NULL AND old.outcome IS NULL
BEGIN
  INSERT INTO events (job_id, type, data, at)
  VALUES (new.id, 'job.outcome', json(new.outcome), new.updated_at);
END
