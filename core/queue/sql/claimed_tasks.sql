-- After tasks_claim, in the same transaction: the tasks this claim took, and how long each
-- waited since it was ready (for the latency histogram), as one JSON array in one row,
-- each task an array of its fields in the order below, its input embedded as JSON (one
-- parse in JavaScript reads everything). Returned as rows (RETURNING on tasks_claim),
-- each task cost the embedded driver about three times as much as its share of this JSON.
-- :mark      the claim's mark
-- :lease_ms  the claim's lease length
-- :now       the claim's time
SELECT json_group_array(json_array(
  t.id, t.job_id, t.cid, t.node_id, t.epoch, json(t.input), t.priority, t.rank, t.attempts,
  t.max_attempts, t.lease_expires_at, t.started_at - t.run_at
)) AS tasks
FROM tasks AS t
WHERE t.state = 'leased' AND t.lease_expires_at = :now + :lease_ms AND t.mark = :mark
