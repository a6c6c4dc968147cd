-- What each worker of a batch needs to claim, written with the 'posting' batch in the same
-- transaction (core/settlement/post.ts), so that serving claims reads rows and never
-- builds a batch's tree again: the worker's allocation leaf (`leaf_index`, `amount` in wei
-- as decimal text, `task_count`, `tasks_root`) and its Merkle `proof` up to the batch
-- root (JSON array of 0x hashes), as the posted root commits to them. `worker` is the
-- checksummed payout address. Keyed by batch first: a reverted batch's rows are deleted by
-- batch, and a worker's claim in one batch is one lookup. Batches written before this
-- table have none here; their claims are computed again from settlement_results.
CREATE TABLE settlement_allocations (
  batch_id INTEGER NOT NULL REFERENCES settlement_batches (id),
  worker TEXT NOT NULL,
  leaf_index INTEGER NOT NULL,
  amount TEXT NOT NULL,
  task_count INTEGER NOT NULL,
  tasks_root TEXT NOT NULL,
  proof TEXT NOT NULL,
  PRIMARY KEY (batch_id, worker)
)
