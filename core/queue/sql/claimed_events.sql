-- After tasks_claim, in the same transaction: one `tasks.leased` event per job for the
-- tasks this claim took (the tasks_leases index finds them by their expiry time).
-- :worker_id  the claiming worker
-- :mark       the claim's mark
-- :lease_ms   the claim's lease length
-- :now        the claim's time
INSERT INTO events (job_id, type, data, at)
SELECT t.job_id, 'tasks.leased',
  json_object('worker', :worker_id, 'count', count(*),
    'tasks', json_group_array(json_object('id', t.id, 'cid', t.cid, 'node', t.node_id, 'epoch', t.epoch,
      'attempt', t.attempts))),
  :now
FROM tasks AS t
WHERE t.state = 'leased' AND t.lease_expires_at = :now + :lease_ms AND t.mark = :mark
GROUP BY t.job_id
