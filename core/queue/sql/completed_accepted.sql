-- After tasks_complete, in the same transaction: the results it accepted, as [id, run time
-- in ms (claimed to succeeded; null when the claim time is unknown)], in one JSON array in
-- one row (far cheaper for the embedded driver than a row per task).
-- :task_ids     the completion's task ids (JSON array)
-- :mark         the completion's mark
SELECT json_group_array(json_array(t.id, t.finished_at - t.started_at)) AS accepted
FROM tasks AS t
WHERE t.id IN (SELECT j.value FROM json_each(:task_ids) AS j)
  AND t.mark = :mark AND t.state = 'succeeded'
