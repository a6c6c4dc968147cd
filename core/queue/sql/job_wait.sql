-- What an open job waits on, in one row: its kind, state, payload (tags, runner) and age;
-- its tasks ready to run, leased, and delayed (a retry's backoff) with the next due time;
-- the tags its ready tasks need; and whether a coordinator holds a live lease on it.
-- :job_id  the job
-- :now     ms since the epoch
SELECT j.kind, j.state, j.payload, j.created_at,
  (SELECT count(*) FROM tasks WHERE job_id = j.id AND state = 'queued' AND run_at <= :now) AS ready,
  (SELECT count(*) FROM tasks WHERE job_id = j.id AND state = 'leased') AS leased,
  (SELECT min(run_at) FROM tasks WHERE job_id = j.id AND state = 'queued' AND run_at > :now) AS next_due,
  (SELECT json_group_array(DISTINCT tags) FROM (
    SELECT tags FROM tasks WHERE job_id = j.id AND state = 'queued' AND run_at <= :now LIMIT 1000
  )) AS ready_tags,
  EXISTS (SELECT 1 FROM job_leases WHERE job_id = j.id AND expires_at > :now) AS coordinated
FROM jobs AS j
WHERE j.id = :job_id AND j.state IN ('queued', 'running')
