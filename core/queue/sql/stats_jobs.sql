-- Job counts by state (for /metrics).
SELECT state, count(*) AS n FROM jobs GROUP BY state
