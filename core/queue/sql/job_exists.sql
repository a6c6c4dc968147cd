-- Whether a tenant's job exists, and its state (to tell "not found" from "already final").
-- :tenant  owner
-- :job_id  the job
SELECT state FROM jobs WHERE id = :job_id AND tenant = :tenant
