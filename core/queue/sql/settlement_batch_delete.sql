-- A 'posting' batch nothing was posted for is dropped (after settlement_results_release and
-- settlement_allocations_delete), only while it still waits on :tx_hash: a batch another
-- settler signed again, or saw posted, meanwhile is theirs.
-- :id       the batch
-- :tx_hash  the batch's transaction as the caller read it (NULL when none was recorded)
DELETE FROM settlement_batches WHERE id = :id AND state = 'posting' AND tx_hash IS :tx_hash
