-- One tenant's task counts by state and priority (a tenant key's /metrics and dashboard):
-- queued and leased tasks of its open jobs (through the open-jobs index, so a long history
-- of finished jobs is not scanned), finished ones from its jobs' counters.
-- :tenant  owner
SELECT t.state, t.priority, count(*) AS n
FROM jobs AS j INDEXED BY jobs_open_tenant JOIN tasks AS t ON t.job_id = j.id
WHERE j.tenant = :tenant AND j.state IN ('queued', 'running') AND t.state IN ('queued', 'leased')
GROUP BY t.state, t.priority
UNION ALL
SELECT 'succeeded', j.priority, sum(j.done) FROM jobs AS j WHERE j.tenant = :tenant GROUP BY j.priority
UNION ALL
SELECT 'dead', j.priority, sum(j.failed) FROM jobs AS j WHERE j.tenant = :tenant GROUP BY j.priority
UNION ALL
SELECT 'cancelled', j.priority, sum(j.cancelled) FROM jobs AS j WHERE j.tenant = :tenant GROUP BY j.priority
