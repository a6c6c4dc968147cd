-- After network_node_calls_clear, in the same transaction: the run's counts of each node
-- it called, as they now stand, when the job is the tenant's, open and has no tasks.
-- :tenant  owner
-- :job_id  the job
-- :nodes   JSON object by node id: {"total", "done", "failed", "cancelled", "runMs"}
INSERT INTO network_node_calls (job_id, node_id, total, done, failed, cancelled, run_ms)
SELECT :job_id, n.key, json_extract(n.value, '$.total'), json_extract(n.value, '$.done'),
  json_extract(n.value, '$.failed'), json_extract(n.value, '$.cancelled'),
  json_extract(n.value, '$.runMs')
FROM json_each(:nodes) AS n
WHERE EXISTS (
  SELECT 1 FROM jobs
  WHERE id = :job_id AND tenant = :tenant AND state IN ('queued', 'running')
    AND NOT EXISTS (SELECT 1 FROM tasks WHERE job_id = :job_id)
)
ON CONFLICT (job_id, node_id) DO UPDATE SET
  total = excluded.total,
  done = excluded.done,
  failed = excluded.failed,
  cancelled = excluded.cancelled,
  run_ms = excluded.run_ms
