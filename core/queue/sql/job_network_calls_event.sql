-- After job_network_calls, in the same transaction: a `job.progress` event with the job's
-- call counts as they now stand (and its root epochs done), when the job is still open.
-- :tenant  owner
-- :job_id  the job
-- :now     ms since the epoch
INSERT INTO events (job_id, type, data, at)
SELECT j.id, 'job.progress',
  json_object('total', j.total, 'done', j.done, 'failed', j.failed, 'cancelled', j.cancelled,
    'epochsDone', j.epochs_done),
  :now
FROM jobs AS j
WHERE j.id = :job_id AND j.tenant = :tenant AND j.state IN ('queued', 'running')
