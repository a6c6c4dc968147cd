-- Verified results owed a reward on chain: one row per (job, task CID, worker) that a
-- job's verifier accepted, written by the coordinator that ran the job on the peer
-- network, for a job submitted with a `settlement` (the on-chain escrow that pays and the
-- reward per accepted call). `worker` is the executor's payout address (checksummed) as
-- its presence announced it; `signature` is that address's EIP-712 signature over
-- `Result(taskCid, resultCid)` (hex), checked before the row is written: it is what makes
-- the paid leaf challengeable on chain if the worker signed another result for the same
-- task. `reward` is wei as a decimal string. `batch_id` stays NULL
-- until the settlement function puts the row in a batch. No foreign key to jobs: a job
-- swept by retention must not take unpaid rewards with it.
CREATE TABLE settlement_results (
  job_id TEXT NOT NULL,
  task_cid TEXT NOT NULL,
  worker TEXT NOT NULL,
  escrow TEXT NOT NULL,
  reward TEXT NOT NULL,
  result_cid TEXT NOT NULL,
  signature TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  batch_id INTEGER REFERENCES settlement_batches (id),
  PRIMARY KEY (job_id, task_cid, worker)
)
