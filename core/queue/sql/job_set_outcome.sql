-- Record a job's outcome, once. It also seals the job: with results the job finishes when
-- its tasks have (at once if they already have); with an error (:failed = 1) it fails now.
-- A cancelled job, or one whose outcome is recorded already, is left alone (no row back).
-- Every SET expression reads the row as it was before this update.
-- :tenant   owner
-- :job_id   the job
-- :outcome  JSON {"results": […]} or {"error": {name, message, details}}
-- :failed   1 for an error outcome, else 0
-- :now      ms since the epoch
UPDATE jobs SET
  outcome = :outcome,
  sealed = 1,
  state = CASE
    WHEN state NOT IN ('queued', 'running') THEN state
    WHEN :failed = 1 THEN 'failed'
    WHEN done + failed + cancelled < total THEN state
    WHEN failed > 0 THEN 'failed'
    ELSE 'succeeded'
  END,
  finished_at = CASE
    WHEN state NOT IN ('queued', 'running') THEN finished_at
    WHEN :failed = 1 OR done + failed + cancelled >= total THEN :now
  END,
  updated_at = :now
WHERE id = :job_id AND tenant = :tenant AND outcome IS NULL AND state <> 'cancelled'
RETURNING id
