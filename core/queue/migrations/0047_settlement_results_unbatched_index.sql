-- The settlement function's pass: results not yet in a batch, by escrow.
CREATE INDEX settlement_results_unbatched ON settlement_results (escrow, recorded_at) WHERE batch_id IS NULL
