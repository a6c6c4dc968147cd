-- The tag sets the live workers offer (a run needing tags none offers waits without
-- holding a coordinator's slot). A worker not seen for :dead_ms is gone (killed along
-- with its server, its machine lost): a live one, even idle, is seen every heartbeat.
-- A standing entry (a worker function, which exists whenever it is invoked) is always live.
-- :now       ms since the epoch
-- :dead_ms   how long unseen makes a worker gone
-- :standing  LIKE pattern of standing entries' ids
SELECT DISTINCT tags FROM workers WHERE last_seen_at >= :now - :dead_ms OR id LIKE :standing
