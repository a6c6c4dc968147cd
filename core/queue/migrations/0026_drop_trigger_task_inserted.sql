-- Replaced by job_count_inserted.sql: a submission counts its new tasks into the job once,
-- not once per task.
DROP TRIGGER task_inserted
