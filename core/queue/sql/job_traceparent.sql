-- The traceparent stored with a job at submission (null when it was not traced).
-- :job_id  the job
SELECT traceparent FROM jobs WHERE id = :job_id
