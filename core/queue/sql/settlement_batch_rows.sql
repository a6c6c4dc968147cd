-- A batch's results in the order its tree was built from (job, task CID, worker; byte
-- order, as the settler sorted them), so its proofs can be computed again from the rows.
-- :batch_id  the batch
SELECT job_id, task_cid, worker, escrow, reward, recorded_at
FROM settlement_results
WHERE batch_id = :batch_id
ORDER BY job_id, task_cid, worker
