-- Batches of verified results the settlement function posts on chain, one Merkle root
-- each, drawn from one on-chain job's escrow (`escrow`: its bytes32 job id, hex). A batch
-- is written as 'posting' with its root BEFORE its transaction is sent, so a settler that
-- dies between sending and recording finds it on its next pass and looks for the
-- `BatchPosted(jobId, root)` event instead of posting the same results twice. 'posted'
-- carries what the chain assigned: the batch id claims name, the transaction, and the end
-- of the challenge window (unix seconds) after which its workers can claim.
-- total is wei as a decimal string (rewards outgrow a 64-bit integer).
CREATE TABLE settlement_batches (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  escrow TEXT NOT NULL,
  root TEXT NOT NULL,
  total TEXT NOT NULL,
  task_count INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('posting', 'posted')),
  tx_hash TEXT,
  chain_batch_id TEXT,
  challenge_end INTEGER,
  created_at INTEGER NOT NULL,
  posted_at INTEGER
)
