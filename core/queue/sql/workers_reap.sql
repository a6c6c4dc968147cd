-- Forget the workers not seen for :dead_ms: their processes are gone without saying so
-- (killed with their server, or their machine lost), and they must not be counted live.
-- Standing entries (worker functions) stay.
-- :now       ms since the epoch
-- :dead_ms   how long unseen makes a worker gone
-- :standing  LIKE pattern of standing entries' ids
DELETE FROM workers WHERE last_seen_at < :now - :dead_ms AND id NOT LIKE :standing
RETURNING id
