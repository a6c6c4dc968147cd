-- Task counts by state and priority (for /metrics), without scanning every task the
-- queue ever had: queued and leased tasks are counted through their partial indexes (the
-- queue's depth, exact), finished ones from their jobs' counters, under the job's
-- priority.
SELECT 'queued' AS state, t.priority, count(*) AS n
FROM tasks AS t INDEXED BY tasks_ready WHERE t.state = 'queued' GROUP BY t.priority
UNION ALL
SELECT 'leased', t.priority, count(*)
FROM tasks AS t INDEXED BY tasks_leases WHERE t.state = 'leased' GROUP BY t.priority
UNION ALL
SELECT 'succeeded', j.priority, sum(j.done) FROM jobs AS j GROUP BY j.priority
UNION ALL
SELECT 'dead', j.priority, sum(j.failed) FROM jobs AS j GROUP BY j.priority
UNION ALL
SELECT 'cancelled', j.priority, sum(j.cancelled) FROM jobs AS j GROUP BY j.priority
