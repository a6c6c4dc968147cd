-- Posted batches in which `worker` has results, oldest first, a page at a time: what a
-- worker claims. One seek in settlement_results_batch per batch looked at.
-- :worker  the payout address, checksummed as the rows hold it
-- :after   only batches with a larger id (0: from the first)
-- :limit   most batches to return
SELECT b.id, b.escrow, b.root, b.total, b.task_count, b.tx_hash, b.chain_batch_id, b.challenge_end
FROM settlement_batches AS b
WHERE b.state = 'posted' AND b.id > :after
  AND EXISTS (SELECT 1 FROM settlement_results AS r WHERE r.batch_id = b.id AND r.worker = :worker)
ORDER BY b.id
LIMIT :limit
