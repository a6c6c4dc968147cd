-- After tasks_complete, in the same transaction: add the accepted tasks' run times
-- (claimed to succeeded) to the `run` histogram.
-- :task_ids     the completion's task ids (JSON array)
-- :mark         the completion's mark
INSERT INTO task_latency (metric, bucket_ms, count, sum_ms)
SELECT 'run', b.bucket_ms, count(*), sum(b.ms)
FROM (
  SELECT d.ms,
    coalesce((SELECT min(l.bound_ms) FROM latency_bounds AS l WHERE l.bound_ms >= d.ms), -1)
      AS bucket_ms
  FROM (
    SELECT max(0, t.finished_at - t.started_at) AS ms FROM tasks AS t
    WHERE t.id IN (SELECT j.value FROM json_each(:task_ids) AS j)
      AND t.mark = :mark AND t.state = 'succeeded' AND t.started_at IS NOT NULL
  ) AS d
) AS b
WHERE true
GROUP BY b.bucket_ms
ON CONFLICT (metric, bucket_ms) DO UPDATE SET
  count = count + excluded.count,
  sum_ms = sum_ms + excluded.sum_ms
