-- The settlement pass: escrows (on-chain job ids) that have results not yet in a batch.
-- Each escrow is settled on its own, so their order only has to be stable.
-- :limit  most escrows to return
SELECT DISTINCT escrow FROM settlement_results
WHERE batch_id IS NULL
ORDER BY escrow
LIMIT :limit
