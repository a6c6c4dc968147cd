-- Record verified results owed a reward: one row per (job, task CID, worker) a job's
-- verifier accepted, its signature checked by the caller. The first verdict recorded for a
-- (job, task) is the one paid: a run resumed by another coordinator sends the call to the
-- peers again, and its new verdict (perhaps other executors) writes nothing, so the
-- escrow never pays twice for one call; re-recording the same verdict is harmless too.
-- One write (a turn's verdicts, split in statements of 256 rows) shares one :write_id, so
-- rows of that same write never block each other; any other write's verdict for a
-- recorded (job, task) is blocked, rows recorded before write ids (NULL) included.
-- The row of VALUES is a template, repeated once per result (sqlRows in sql.ts). Each
-- row: job id, task CID, worker (checksummed payout address), escrow (bytes32 hex),
-- reward (wei, decimal text), result CID, signature (hex).
-- :now       ms since the epoch (recorded_at)
-- :write_id  this write's id, drawn by the recorder for each write
INSERT OR IGNORE INTO settlement_results (job_id, task_cid, worker, escrow, reward,
  result_cid, signature, recorded_at, write_id)
SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, :now,
  :write_id
FROM (VALUES (?, ?, ?, ?, ?, ?, ?)) AS v
WHERE NOT EXISTS (
  SELECT 1 FROM settlement_results AS r WHERE r.job_id = v.column1 AND r.task_cid = v.column2
    AND r.write_id IS NOT :write_id
)
