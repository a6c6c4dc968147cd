-- How many jobs a tenant has open (queued or running), for its quota.
-- :tenant  owner
SELECT count(*) AS open FROM jobs WHERE tenant = :tenant AND state IN ('queued', 'running')
