-- A batch whose postBatch transaction reverted: its results leave it, to wait for the next
-- pass (with the reason logged), before the batch row is deleted.
-- :id  the batch
UPDATE settlement_results SET batch_id = NULL WHERE batch_id = :id
