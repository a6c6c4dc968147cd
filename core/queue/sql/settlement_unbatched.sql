-- The settlement pass: one escrow's results not yet in a batch, oldest first (the order
-- rows enter batches), with the key columns as a tie-break so the order is total.
-- :escrow  the on-chain job id (bytes32 hex)
-- :limit   most rows to return
SELECT job_id, task_cid, worker, escrow, reward, recorded_at
FROM settlement_results
WHERE escrow = :escrow AND batch_id IS NULL
ORDER BY recorded_at, job_id, task_cid, worker
LIMIT :limit
