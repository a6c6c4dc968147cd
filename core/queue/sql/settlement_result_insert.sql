-- Record verified results owed a reward: one row per (job, task CID, worker) a job's
-- verifier accepted, its signature checked by the caller. A row already there is kept as
-- it is (INSERT OR IGNORE on the primary key): a run resumed by another coordinator
-- re-records what it re-accepts, harmlessly, and never touches a row already batched.
-- The row of VALUES is a template, repeated once per result (sqlRows in sql.ts). Each
-- row: job id, task CID, worker (checksummed payout address), escrow (bytes32 hex),
-- reward (wei, decimal text), result CID, signature (hex).
-- :now  ms since the epoch
INSERT OR IGNORE INTO settlement_results (job_id, task_cid, worker, escrow, reward,
  result_cid, signature, recorded_at)
SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, :now
FROM (VALUES (?, ?, ?, ?, ?, ?, ?)) AS v
