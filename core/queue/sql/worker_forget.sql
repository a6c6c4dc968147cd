-- Forget a worker that is gone (its process exited): it leaves the worker lists and counts.
-- :worker_id  the worker
DELETE FROM workers WHERE id = :worker_id
