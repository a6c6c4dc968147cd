-- Root epochs of a tube run finished so far, as its coordinator counts them: the progress
-- of a run whose node calls are all its coordinator's own (stateful nodes make no tasks),
-- and, with the epochs asked for, a total known from the start.
ALTER TABLE jobs ADD COLUMN epochs_done INTEGER NOT NULL DEFAULT 0
