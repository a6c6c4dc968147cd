-- A 'posting' batch that is dropped (its transaction reverted, or it can no longer be
-- posted) loses its allocations first: nothing was posted for them.
-- :id  the batch
DELETE FROM settlement_allocations WHERE batch_id = :id
