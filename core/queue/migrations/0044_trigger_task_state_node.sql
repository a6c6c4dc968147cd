-- Task state changes other than the hot path's queued → leased (a claim) and
-- leased → succeeded (a completion), which tasks_claim_* and tasks_complete_* account for
-- per operation: retries, dead letters, expired leases and cancellations. Keep the job's
-- counters, log an event carrying the failure, and finish a sealed job whose tasks are
-- all final. Each event names the task's node and epoch, as the batch events do.
CREATE TRIGGER task_state_changed AFTER UPDATE OF state ON tasks
WHEN new.state <> old.state
  AND new.state <> 'leased'
  AND NOT (old.state = 'leased' AND new.state = 'succeeded')
BEGIN
  UPDATE jobs SET
    done = done + (new.state = 'succeeded'),
    failed = failed + (new.state = 'dead'),
    cancelled = cancelled + (new.state = 'cancelled'),
    updated_at = new.updated_at
  WHERE id = new.job_id;
  INSERT INTO events (job_id, type, task_id, cid, data, at)
  VALUES (
    new.job_id,
    'task.' || new.state,
    new.id,
    new.cid,
    json_object(
      'node', new.node_id,
      'epoch', new.epoch,
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
