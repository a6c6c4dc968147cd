-- A 'posting' batch whose transaction can never be mined (none was kept, or its nonce was
-- taken by another transaction) is posted again with a new signed transaction: it replaces
-- the old one BEFORE it is sent (as at insert), and only if the batch is still as the
-- caller read it (no other pass got there first).
-- :id       the batch
-- :old_hash the transaction hash the caller read (NULL when none was recorded)
-- :tx_hash  the new signed transaction's hash
-- :tx_raw   the new signed transaction, serialized (hex)
UPDATE settlement_batches SET tx_hash = :tx_hash, tx_raw = :tx_raw
WHERE id = :id AND state = 'posting' AND tx_hash IS :old_hash
