-- Queue depth: task counts by state and priority (for /metrics).
SELECT state, priority, count(*) AS n FROM tasks GROUP BY state, priority
