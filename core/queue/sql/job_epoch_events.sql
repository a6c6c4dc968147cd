-- Before job_epochs_done, in the same transaction: a `job.epoch` event per root epoch a
-- tube run's coordinator finished with a result, carrying it (or, when large, where to
-- read it). Only epochs beyond the count the job had already reached: a resumed run that
-- counts again from its start says nothing twice.
-- :tenant  owner
-- :job_id  the job
-- :epochs  JSON array of each event's data {epoch, result} or {epoch, bytes, stored}, in epoch order
-- :now     ms since the epoch
INSERT INTO events (job_id, type, data, at)
SELECT j.id, 'job.epoch', json(e.value), :now
FROM json_each(:epochs) AS e JOIN jobs AS j ON j.id = :job_id AND j.tenant = :tenant
WHERE j.state IN ('queued', 'running') AND (e.value ->> '$.epoch') >= j.epochs_done
ORDER BY e.key
