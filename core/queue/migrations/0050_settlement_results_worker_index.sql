-- A worker's batched results, by batch: the batches a payout address was paid in, found
-- by a range seek over its own rows (worker = ?, batch_id > cursor) instead of one probe
-- per posted batch, which costs as much for a worker paid in none of 20,000 batches as
-- for one paid in all. Only batched rows are indexed (claims never look at the others),
-- so recording a result adds no entry; putting it in a batch adds one.
CREATE INDEX settlement_results_worker ON settlement_results (worker, batch_id) WHERE batch_id IS NOT NULL
