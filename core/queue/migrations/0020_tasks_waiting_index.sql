-- Idle workers sleep until the earliest queued task becomes ready (a delay, a retry's
-- backoff): this finds it without scanning the queue.
CREATE INDEX tasks_waiting ON tasks (run_at) WHERE state = 'queued'
