-- The newest event's id (0 for none): where a stream of changes from now on starts.
SELECT coalesce(max(id), 0) AS id FROM events
