-- A 'posting' batch the chain accepted: what it assigned (the batch id claims name, the
-- end of the challenge window in unix seconds) and the transaction that did it.
-- :id              the batch (settlement_batches.id)
-- :tx_hash         the mined transaction
-- :chain_batch_id  the contract's batch id, decimal text
-- :challenge_end   unix seconds after which its workers can claim
-- :now             ms since the epoch
UPDATE settlement_batches SET
  state = 'posted',
  tx_hash = :tx_hash,
  chain_batch_id = :chain_batch_id,
  challenge_end = :challenge_end,
  posted_at = :now
WHERE id = :id AND state = 'posting'
