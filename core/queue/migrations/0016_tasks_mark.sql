-- The claim or completion that last moved a task, a random number per operation: the
-- statements after it in the same transaction find "the tasks this operation moved" by
-- it, and keep job counters and events once per operation instead of once per task.
ALTER TABLE tasks ADD COLUMN mark INTEGER
