-- A tenant's job list (GET /v1/jobs) walks its jobs newest first, a page at a time: this
-- index is that order, so a page reads only its own rows instead of sorting every job.
CREATE INDEX jobs_tenant_created ON jobs (tenant, created_at, id)
