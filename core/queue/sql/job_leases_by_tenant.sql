-- How many tube runs each tenant has in coordinators' hands now (live leases), for fair
-- admission across every coordinator on the queue.
-- :now  ms since the epoch
SELECT j.tenant, count(*) AS held
FROM job_leases AS l JOIN jobs AS j ON j.id = l.job_id
WHERE l.expires_at > :now
GROUP BY j.tenant
