-- Every task state change, whichever statement made it: keep the job's counters, move the
-- job to running on its first claim, log an event, and finish a sealed job whose tasks
-- are all final. Doing this here keeps each queue operation a single round trip.
CREATE TRIGGER task_state_changed AFTER UPDATE OF state ON tasks
WHEN new.state <> old.state
BEGIN
  UPDATE jobs SET
    done = done + (new.state = 'succeeded'),
    failed = failed + (new.state = 'dead'),
    cancelled = cancelled + (new.state = 'cancelled'),
    state = CASE WHEN state = 'queued' AND new.state = 'leased' THEN 'running' ELSE state END,
    updated_at = new.updated_at
  WHERE id = new.job_id;
  INSERT INTO events (job_id, type, task_id, cid, data, at)
  VALUES (
    new.job_id,
    'task.' || new.state,
    new.id,
    new.cid,
    json_object(
      'attempt', new.attempts,
      'worker', coalesce(new.lease_owner, old.lease_owner),
      'error', json(new.error),
      'runAt', CASE WHEN new.state = 'queued' THEN new.run_at END
    ),
    new.updated_at
  );
  UPDATE jobs SET
    state = CASE WHEN failed > 0 THEN 'failed' ELSE 'succeeded' END,
    finished_at = new.updated_at
  WHERE id = new.job_id AND sealed = 1 AND state IN ('queued', 'running')
    AND done + failed + cancelled >= total;
END
