-- Proofs for a batch's workers: its results, by worker.
CREATE INDEX settlement_results_batch ON settlement_results (batch_id, worker) WHERE batch_id IS NOT NULL
