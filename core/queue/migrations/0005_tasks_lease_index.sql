-- The reaper finds expired leases without scanning finished tasks.
CREATE INDEX tasks_leases ON tasks (lease_expires_at) WHERE state = 'leased'
