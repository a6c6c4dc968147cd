-- Claims walk ready tasks in rank order and stop after `max` matches.
CREATE INDEX tasks_ready ON tasks (rank, id) WHERE state = 'queued'
