-- A 'posting' batch that is dropped (its transaction reverted, or it can no longer be
-- posted) loses its allocations first: nothing was posted for them. Only while the batch
-- still waits on :tx_hash (see settlement_results_release.sql).
-- :id       the batch
-- :tx_hash  the batch's transaction as the caller read it (NULL when none was recorded)
DELETE FROM settlement_allocations
WHERE batch_id = :id
  AND EXISTS (
    SELECT 1 FROM settlement_batches
    WHERE id = :id AND state = 'posting' AND tx_hash IS :tx_hash
  )
