-- Whether a tenant's job exists, its state (to tell "not found" from "already final") and
-- how many tasks it holds.
-- :tenant  owner
-- :job_id  the job
SELECT state, total FROM jobs WHERE id = :job_id AND tenant = :tenant
