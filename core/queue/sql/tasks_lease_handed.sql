-- Lease tasks of a new job, just stored by tasks_insert in the same transaction, to a
-- worker of this process: one that was idle, with nothing ready for it, and was handed
-- them before this transaction committed (see core/queue/handoff.ts). Sets what a claim
-- sets; returns each leased task's id with its CID. Stored first and leased after, the
-- job's tasks keep their submission order.
-- :job_id     the job
-- :cids       JSON array of the CIDs handed to the worker
-- :worker_id  the worker they are leased to
-- :lease_ms   lease length; heartbeats extend it by as much
-- :mark       the hand-off's random mark (claimed_events and claimed_jobs_running find them by it)
-- :now        ms since the epoch
UPDATE tasks SET
  state = 'leased',
  lease_owner = :worker_id,
  lease_ms = :lease_ms,
  lease_expires_at = :now + :lease_ms,
  attempts = attempts + 1,
  mark = :mark,
  started_at = :now,
  updated_at = :now
WHERE job_id = :job_id AND state = 'queued'
  AND cid IN (SELECT c.value FROM json_each(:cids) AS c)
RETURNING id, cid
