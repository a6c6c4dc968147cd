-- A job's node calls counted by node and state, with the summed run time (claim to result)
-- of the succeeded ones: the dashboard's per-node status. Reads the job's tasks through
-- the (job_id, cid) key; a job run on the peer network has none, and its calls come from
-- the counts its coordinator keeps by node (network_node_calls), in the same states: sent
-- and not answered yet as leased, accepted as succeeded (timed from sending to the
-- accepted answer), failed as dead.
-- :tenant  owner
-- :job_id  the job
SELECT t.node_id, t.state, count(*) AS n,
  sum(CASE WHEN t.state = 'succeeded' AND t.started_at IS NOT NULL
      THEN max(0, t.finished_at - t.started_at) END) AS run_ms,
  count(CASE WHEN t.state = 'succeeded' AND t.started_at IS NOT NULL THEN 1 END) AS timed
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE t.job_id = :job_id AND j.tenant = :tenant
GROUP BY t.node_id, t.state
UNION ALL
SELECT c.node_id, s.state,
  CASE s.state
    WHEN 'succeeded' THEN c.done
    WHEN 'dead' THEN c.failed
    WHEN 'cancelled' THEN c.cancelled
    ELSE max(0, c.total - c.done - c.failed - c.cancelled)
  END,
  CASE WHEN s.state = 'succeeded' THEN c.run_ms END,
  CASE WHEN s.state = 'succeeded' THEN c.done ELSE 0 END
FROM network_node_calls AS c JOIN jobs AS j ON j.id = c.job_id
  CROSS JOIN (SELECT 'leased' AS state UNION ALL SELECT 'succeeded' UNION ALL SELECT 'dead'
    UNION ALL SELECT 'cancelled') AS s
WHERE c.job_id = :job_id AND j.tenant = :tenant
