-- How many of a job's tasks are final (succeeded, dead or cancelled): it grows with each
-- one that becomes so, which tells a runner waiting for outcomes whether a look at them
-- would find anything new (one row, where the look reads a row per waiting call).
-- :tenant  owner
-- :job_id  the job
SELECT done + failed + cancelled AS finished
FROM jobs
WHERE id = :job_id AND tenant = :tenant
