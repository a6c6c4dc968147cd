-- Log each job state change with the progress at that moment.
CREATE TRIGGER job_state_changed AFTER UPDATE OF state ON jobs
WHEN new.state <> old.state
BEGIN
  INSERT INTO events (job_id, type, data, at)
  VALUES (
    new.id,
    'job.' || new.state,
    json_object('total', new.total, 'done', new.done, 'failed', new.failed,
      'cancelled', new.cancelled),
    new.updated_at
  );
END
