-- A job's retry policy (POST /v1/jobs `retry.attempts`): attempts per task of the job when
-- the task names none. NULL: the queue's default.
ALTER TABLE jobs ADD COLUMN max_attempts INTEGER
