-- Posted batches in which `worker` has results, oldest first, a page at a time: what a
-- worker claims, with its allocation as stored when the batch was made (leaf_index NULL:
-- a batch made before settlement_allocations, whose allocation is computed again from its
-- rows). Driven by the worker's own rows, in batch order, and read only until the page is
-- full: a range seek in settlement_results_worker (worker, batch_id > :after), with a
-- lookup in settlement_batches and one in settlement_allocations' key per row. Posted
-- batches the worker is not in are never read; a page costs the worker's rows in its
-- batches (bare columns of a group are those of its batch, the same for all its rows).
-- :worker  the payout address, checksummed as the rows hold it
-- :after   only batches with a larger id (0: from the first)
-- :limit   most batches to return
SELECT b.id, b.escrow, b.root, b.total, b.task_count, b.tx_hash, b.chain_batch_id,
  b.challenge_end, a.leaf_index, a.amount, a.task_count AS allocation_tasks, a.tasks_root,
  a.proof
FROM settlement_results AS r
JOIN settlement_batches AS b ON b.id = r.batch_id
LEFT JOIN settlement_allocations AS a ON a.batch_id = b.id AND a.worker = :worker
WHERE r.worker = :worker AND r.batch_id > :after AND b.state = 'posted'
GROUP BY r.batch_id
ORDER BY r.batch_id
LIMIT :limit
