-- A 'posting' batch nothing was posted for (its transaction reverted, or it can no longer be
-- posted): its results leave it, to wait for the next pass (with the reason logged), before
-- the batch row is deleted. Only while the batch still waits on :tx_hash, the transaction
-- the caller judged: another settler may have signed it again and posted it meanwhile.
-- :id       the batch
-- :tx_hash  the batch's transaction as the caller read it (NULL when none was recorded)
UPDATE settlement_results SET batch_id = NULL
WHERE batch_id = :id
  AND EXISTS (
    SELECT 1 FROM settlement_batches
    WHERE id = :id AND state = 'posting' AND tx_hash IS :tx_hash
  )
