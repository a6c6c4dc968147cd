-- A 'posting' batch whose transaction reverted is dropped (after settlement_results_release):
-- nothing was posted on chain for it.
-- :id  the batch
DELETE FROM settlement_batches WHERE id = :id AND state = 'posting'
