-- Posted batches in which `worker` has results, oldest first, a page at a time: what a
-- worker claims, with its allocation as stored when the batch was made (leaf_index NULL:
-- a batch made before settlement_allocations, whose allocation is computed again from its
-- rows). Per batch looked at, one seek in settlement_allocations' key, and for a batch
-- where the worker has no allocation stored, one in settlement_results_batch.
-- :worker  the payout address, checksummed as the rows hold it
-- :after   only batches with a larger id (0: from the first)
-- :limit   most batches to return
SELECT b.id, b.escrow, b.root, b.total, b.task_count, b.tx_hash, b.chain_batch_id,
  b.challenge_end, a.leaf_index, a.amount, a.task_count AS allocation_tasks, a.tasks_root,
  a.proof
FROM settlement_batches AS b
LEFT JOIN settlement_allocations AS a ON a.batch_id = b.id AND a.worker = :worker
WHERE b.state = 'posted' AND b.id > :after
  AND (a.batch_id IS NOT NULL OR EXISTS (
    SELECT 1 FROM settlement_results AS r WHERE r.batch_id = b.id AND r.worker = :worker
  ))
ORDER BY b.id
LIMIT :limit
