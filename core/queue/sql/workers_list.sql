-- Workers by most recently seen, with how many tasks each holds now.
SELECT w.id, w.tags, w.started_at, w.last_seen_at,
  (SELECT count(*) FROM tasks AS t WHERE t.state = 'leased' AND t.lease_owner = w.id) AS leased
FROM workers AS w
ORDER BY w.last_seen_at DESC, w.id
