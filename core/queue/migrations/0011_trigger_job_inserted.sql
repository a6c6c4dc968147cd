-- The first event of every job.
CREATE TRIGGER job_inserted AFTER INSERT ON jobs
BEGIN
  INSERT INTO events (job_id, type, data, at)
  VALUES (new.id, 'job.queued', json_object('kind', new.kind), new.created_at);
END
