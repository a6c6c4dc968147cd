-- With job_network_calls, in the same transaction: forget the job's per-node counts of
-- nodes the run has not called (a run counts from zero: a retried run's first write has
-- none), when the job is the tenant's, open and has no tasks.
-- :tenant  owner
-- :job_id  the job
-- :nodes   JSON object: the run's counts by node id (only its keys are read)
DELETE FROM network_node_calls
WHERE job_id = :job_id
  AND node_id NOT IN (SELECT key FROM json_each(:nodes))
  AND EXISTS (
    SELECT 1 FROM jobs
    WHERE id = :job_id AND tenant = :tenant AND state IN ('queued', 'running')
      AND NOT EXISTS (SELECT 1 FROM tasks WHERE job_id = :job_id)
  )
