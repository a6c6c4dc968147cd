-- After tasks_claim, in the same transaction: add the claimed tasks' waits (ready to
-- claimed) to the `wait` histogram.
-- :mark      the claim's mark
-- :lease_ms  the claim's lease length
-- :now       the claim's time
INSERT INTO task_latency (metric, bucket_ms, count, sum_ms)
SELECT 'wait', b.bucket_ms, count(*), sum(b.ms)
FROM (
  SELECT d.ms,
    coalesce((SELECT min(l.bound_ms) FROM latency_bounds AS l WHERE l.bound_ms >= d.ms), -1)
      AS bucket_ms
  FROM (
    SELECT max(0, t.started_at - t.run_at) AS ms FROM tasks AS t
    WHERE t.state = 'leased' AND t.lease_expires_at = :now + :lease_ms AND t.mark = :mark
  ) AS d
) AS b
WHERE true
GROUP BY b.bucket_ms
ON CONFLICT (metric, bucket_ms) DO UPDATE SET
  count = count + excluded.count,
  sum_ms = sum_ms + excluded.sum_ms
