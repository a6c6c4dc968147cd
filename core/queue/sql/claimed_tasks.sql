-- After tasks_claim, in the same transaction: the tasks this claim took, and how long each
-- waited since it was ready (for the latency histogram), as one JSON array in one row. Returned as rows (RETURNING on tasks_claim), each task cost the
-- embedded driver about three times as much as its share of this JSON.
-- :mark      the claim's mark
-- :lease_ms  the claim's lease length
-- :now       the claim's time
SELECT json_group_array(json_object(
  'id', t.id, 'job_id', t.job_id, 'cid', t.cid, 'node_id', t.node_id, 'epoch', t.epoch,
  'input', t.input, 'priority', t.priority, 'rank', t.rank, 'attempts', t.attempts,
  'max_attempts', t.max_attempts, 'lease_expires_at', t.lease_expires_at,
  'wait_ms', t.started_at - t.run_at
)) AS tasks
FROM tasks AS t
WHERE t.state = 'leased' AND t.lease_expires_at = :now + :lease_ms AND t.mark = :mark
