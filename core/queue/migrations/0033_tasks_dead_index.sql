-- The dead-letter list (GET /v1/dead-letters): dead tasks, newest failure first.
CREATE INDEX tasks_dead ON tasks (finished_at DESC, id DESC) WHERE state = 'dead'
