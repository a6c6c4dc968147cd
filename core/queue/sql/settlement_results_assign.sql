-- Puts results in a batch, by key, only those still in none: the caller checks that every
-- row was taken (another settler's pass may have taken some) and rolls back if not.
-- :batch_id  the batch (settlement_batch_insert)
-- :keys      JSON array of [job_id, task_cid, worker]
UPDATE settlement_results SET batch_id = :batch_id
WHERE batch_id IS NULL
  AND (job_id, task_cid, worker) IN (
    SELECT k.value ->> 0, k.value ->> 1, k.value ->> 2 FROM json_each(:keys) AS k
  )
