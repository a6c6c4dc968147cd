-- Right after tasks_insert, in the same transaction: count the tasks it stored (changes()
-- is that statement's row count; a duplicate CID was skipped and is not counted).
-- :job_id  the job
UPDATE jobs SET total = total + changes() WHERE id = :job_id
