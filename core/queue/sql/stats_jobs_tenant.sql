-- One tenant's job counts by state (a tenant key's /metrics and dashboard).
-- :tenant  owner
SELECT state, count(*) AS n FROM jobs WHERE tenant = :tenant GROUP BY state
