-- Count a job's tasks as they are stored (a duplicate CID is ignored and not counted).
CREATE TRIGGER task_inserted AFTER INSERT ON tasks
BEGIN
  UPDATE jobs SET total = total + 1 WHERE id = new.job_id;
END
