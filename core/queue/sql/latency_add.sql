-- Add observed task latencies to their histograms (see LatencyRecorder): each observation
-- is a latency in whole ms and how many tasks had it, bucketed here by latency_bounds.
-- :observations  JSON array of [metric ('wait' or 'run'), ms, count]
INSERT INTO task_latency (metric, bucket_ms, count, sum_ms)
SELECT o.metric, o.bucket_ms, sum(o.n), sum(o.ms * o.n)
FROM (
  SELECT j.value ->> '$[0]' AS metric, j.value ->> '$[1]' AS ms, j.value ->> '$[2]' AS n,
    coalesce(
      (SELECT min(l.bound_ms) FROM latency_bounds AS l WHERE l.bound_ms >= j.value ->> '$[1]'),
      -1
    ) AS bucket_ms
  FROM json_each(:observations) AS j
) AS o
WHERE true
GROUP BY o.metric, o.bucket_ms
ON CONFLICT (metric, bucket_ms) DO UPDATE SET
  count = count + excluded.count,
  sum_ms = sum_ms + excluded.sum_ms
