-- The histogram buckets with observations, and every bound (a bound with no row has
-- none), for /metrics.
SELECT 'bound' AS metric, l.bound_ms AS bucket_ms, 0 AS count, 0 AS sum_ms
FROM latency_bounds AS l
UNION ALL
SELECT h.metric, h.bucket_ms, h.count, h.sum_ms FROM task_latency AS h
