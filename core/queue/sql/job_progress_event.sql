-- After job_epochs_done, in the same transaction: a `job.progress` event saying how many
-- epochs are done, when the count reached a new high (not at the start, nor while a
-- resumed run counts up to where the job already was; reaching it again says it twice).
-- :tenant  owner
-- :job_id  the job
-- :done    root epochs finished
-- :now     ms since the epoch
INSERT INTO events (job_id, type, data, at)
SELECT j.id, 'job.progress', json_object('epochsDone', j.epochs_done), :now
FROM jobs AS j
WHERE j.id = :job_id AND j.tenant = :tenant AND :done > 0 AND j.epochs_done = :done
