-- A tenant's open jobs, counted at each submission for the per-tenant quota.
CREATE INDEX jobs_open_tenant ON jobs (tenant) WHERE state IN ('queued', 'running')
