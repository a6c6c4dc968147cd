-- A job's node calls counted by node and state, with the summed run time (claim to result)
-- of the succeeded ones: the dashboard's per-node status. Reads the job's tasks through
-- the (job_id, cid) key.
-- :tenant  owner
-- :job_id  the job
SELECT t.node_id, t.state, count(*) AS n,
  sum(CASE WHEN t.state = 'succeeded' AND t.started_at IS NOT NULL
      THEN max(0, t.finished_at - t.started_at) END) AS run_ms,
  count(CASE WHEN t.state = 'succeeded' AND t.started_at IS NOT NULL THEN 1 END) AS timed
FROM tasks AS t JOIN jobs AS j ON j.id = t.job_id
WHERE t.job_id = :job_id AND j.tenant = :tenant
GROUP BY t.node_id, t.state
