-- Posted batches made before settlement_allocations (migration 0051), whose claims are
-- still computed from their rows: the settlement pass stores their allocations, newest
-- first, a few per pass. Every batch made since has its allocations stored, so only ids
-- below the lowest batch that has some are looked at (a seek in the allocations' key),
-- and each batch stored moves that bound below it: the walk never comes back up.
-- :limit  most batches to return
SELECT b.id, b.root FROM settlement_batches AS b
WHERE b.state = 'posted'
  AND b.id < coalesce((SELECT min(a.batch_id) FROM settlement_allocations AS a), 9223372036854775807)
ORDER BY b.id DESC
LIMIT :limit
