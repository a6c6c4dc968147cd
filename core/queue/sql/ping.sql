-- Whether the database answers (for health checks).
SELECT 1 AS ok
