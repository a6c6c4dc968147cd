-- A tenant's jobs with events in a window of the events log (after one id, up to
-- another), each with its newest event there, oldest change first: what a stream of the
-- tenant's job list sends next. The window bounds what one read scans of a log that all
-- tenants share.
-- :tenant    owner
-- :after_id  last event id the stream has passed
-- :until_id  last event id this read may look at
-- :limit     how many jobs at most
SELECT e.job_id, max(e.id) AS event_id
FROM events AS e JOIN jobs AS j ON j.id = e.job_id
WHERE e.id > :after_id AND e.id <= :until_id AND j.tenant = :tenant
GROUP BY e.job_id
ORDER BY event_id
LIMIT :limit
