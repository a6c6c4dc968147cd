-- A batch about to be posted: written as 'posting' with its root and the signed
-- transaction that posts it (its hash and the transaction itself) BEFORE that transaction
-- is sent, in the same transaction as settlement_results_assign and
-- settlement_allocations_insert, so a settler that dies after sending finds the batch (and
-- its transaction, to send again at its own nonce) on its next pass instead of posting
-- the rows again.
-- :escrow      the on-chain job id (bytes32 hex)
-- :root        the batch's Merkle root (hex)
-- :total       wei, decimal text
-- :task_count  results in the batch
-- :tx_hash     hash of the signed postBatch transaction
-- :tx_raw      the signed transaction, serialized (hex)
-- :now         ms since the epoch
INSERT INTO settlement_batches (escrow, root, total, task_count, state, tx_hash, tx_raw, created_at)
VALUES (:escrow, :root, :total, :task_count, 'posting', :tx_hash, :tx_raw, :now)
RETURNING id
