-- Reading a job's logs after an id, page by page.
CREATE INDEX task_logs_job ON task_logs (job_id, id)
