-- The signed postBatch transaction itself (0x serialized), kept beside its hash: a
-- settler that lost the send (it died first, or the node dropped it) sends this same
-- transaction again, at the nonce it was signed with, instead of signing a new one at the
-- node's next nonce (two transactions at two nonces could both be mined, behind a load
-- balancer whose nodes disagree). Null for batches written before it, and when no
-- transaction was recorded.
ALTER TABLE settlement_batches ADD COLUMN tx_raw TEXT
