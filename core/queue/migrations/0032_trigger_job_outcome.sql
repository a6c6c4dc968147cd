-- Log the recorded outcome, so a stream of the job's events carries its results or error.
-- An outcome over 64 KiB is stored once, on the job: the event says where to read it
-- (GET /v1/jobs/:id) and how large it is, instead of holding a second copy.
CREATE TRIGGER job_outcome_recorded AFTER UPDATE OF outcome ON jobs
WHEN new.outcome IS NOT NULL AND old.outcome IS NULL
BEGIN
  INSERT INTO events (job_id, type, data, at)
  VALUES (
    new.id,
    'job.outcome',
    CASE WHEN length(new.outcome) <= 65536 THEN json(new.outcome)
      ELSE json_object('stored', '/v1/jobs/' || new.id, 'bytes', length(new.outcome)) END,
    new.updated_at
  );
END
