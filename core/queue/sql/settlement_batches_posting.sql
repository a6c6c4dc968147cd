-- Batches a settler wrote but never saw posted (it died, or its transaction is still
-- pending): the pass recovers each before making new ones. tx_raw is null for batches
-- written before migration 0052.
SELECT id, escrow, root, total, task_count, tx_hash, tx_raw, created_at
FROM settlement_batches
WHERE state = 'posting'
ORDER BY id
