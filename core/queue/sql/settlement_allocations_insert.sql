-- A batch's allocations, one row per worker, written with the 'posting' batch in the same
-- transaction (settlement_batch_insert): what its workers' claims are served from. Also
-- written by the settlement pass for a posted batch made before them (backfill.ts): OR
-- IGNORE, as another pass may have written the same ones.
-- :batch_id     the batch
-- :allocations  JSON array of {worker, index, amount (decimal text), taskCount, tasksRoot, proof (array of hex)}
INSERT OR IGNORE INTO settlement_allocations (batch_id, worker, leaf_index, amount, task_count,
  tasks_root, proof)
SELECT :batch_id, a.value ->> '$.worker', a.value ->> '$.index', a.value ->> '$.amount',
  a.value ->> '$.taskCount', a.value ->> '$.tasksRoot', a.value -> '$.proof'
FROM json_each(:allocations) AS a
